//! Maps keyed by where a string lives (its address and length): a string the
//! program holds is looked up by identity, with a multiply-and-rotate hash
//! (FxHash's) rather than SipHash, which showed in the profiles of table
//! recognition and of the rules' shared text data (issue 21). The keys are
//! the program's own addresses, not input an attacker chooses.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A string's address and length.
pub type Address = (usize, usize);

/// The key of `s`.
pub fn address(s: &str) -> Address {
    (s.as_ptr() as usize, s.len())
}

/// A map from string addresses.
pub type AddressMap<V> = HashMap<Address, V, BuildHasherDefault<AddressHasher>>;

#[derive(Default, Clone, Copy)]
pub struct AddressHasher(u64);

impl AddressHasher {
    fn add(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.add(u64::from(*b));
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_elsewhere_are_other_keys() {
        let a = String::from("总计");
        let b = String::from("总计");
        let mut m: AddressMap<u8> = AddressMap::default();
        m.insert(address(&a), 1);
        m.insert(address(&b), 2);
        assert_eq!(m.get(&address(&a)), Some(&1));
        assert_eq!(m.get(&address(&b)), Some(&2));
        assert_eq!(m.get(&address(&a[..3])), None);
    }
}
