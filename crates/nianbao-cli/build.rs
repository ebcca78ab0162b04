// include_dir! only sees files present when the crate is compiled: rebuild
// whenever anything under rules/ changes, including new files.
fn main() {
    println!("cargo:rerun-if-changed=../../rules");
}
