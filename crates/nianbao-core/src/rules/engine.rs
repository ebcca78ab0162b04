//! The Rhai engine every rule runs in: its sandbox limits, the helpers
//! registered on it, and the per-thread deadline that stops a rule running
//! too long.

use std::cell::Cell as StdCell;
use std::time::{Duration, Instant};

use rhai::{Dynamic, Engine};

use super::{api, text};

/// Sandbox limits, set explicitly because Rhai's defaults differ between
/// debug and release builds.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    /// Wall-clock limit for one rule on one report.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_operations: 2_000_000,
            max_call_levels: 48,
            max_string_size: 1 << 20,
            max_array_size: 100_000,
            max_map_size: 10_000,
            timeout: Duration::from_secs(2),
        }
    }
}

thread_local! {
    /// When the rule running on this thread must stop; `None` between rules
    /// (see the `# Invariants` of the rules module).
    pub(super) static DEADLINE: StdCell<Option<Instant>> = const { StdCell::new(None) };
}

pub fn new_engine(limits: &Limits) -> Engine {
    let mut engine = Engine::new();
    engine
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(64, 32)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_variables(1_000)
        .set_max_functions(500)
        .set_max_modules(0)
        // The engine is shared by every worker thread. Rhai's string interner
        // sits behind one lock, and a thread that finds it taken sleeps 10 ms
        // (rhai 1.27, `locked_write`): with two threads the batch ran at 1.1
        // cores. Interning only saves small allocations; without it the
        // workers share nothing mutable.
        .set_max_strings_interned(0)
        .set_strict_variables(true)
        // Constant expressions folded and constant conditions pruned once,
        // when a script is compiled, not on every report.
        .set_optimization_level(rhai::OptimizationLevel::Full);
    engine.disable_symbol("eval");
    // Scripts must not print into the report output.
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    engine.on_progress(|ops| {
        if ops % 4096 != 0 {
            return None;
        }
        DEADLINE.with(|d| {
            d.get()
                .filter(|t| Instant::now() >= *t)
                .map(|_| Dynamic::from("timeout"))
        })
    });
    api::register(&mut engine);
    text::register(&mut engine);
    engine
}
