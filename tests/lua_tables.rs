//! Tables against a model: random insertions, removals, traversals and
//! lengths on a physical heap so small that operations fault in the middle
//! (and run again), across the incremental resizes that move integer keys
//! between the hash and the array part; and where the keys of tables built
//! in different orders end up.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

mod common;

use common::Rng;
use std::collections::BTreeMap;
use vheap::heap::{Addr, HeapConfig};
use vheap::lua::runtime::{LuaVm, RunOutcome};
use vheap::lua::state::{globals_block, G_GLOBALS};
use vheap::lua::value::Value;
use vheap::lua::{string, table};
use vheap::store::MemStore;

fn vm(memory: usize) -> LuaVm<MemStore> {
    let config = HeapConfig { page_size: 4096, memory, max_size: 1 << 32 };
    LuaVm::create(MemStore::new(), "tables", &config).unwrap()
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Int(i64),
    Str(String),
}

fn value_of(vm: &mut LuaVm<MemStore>, key: &Key) -> Value {
    match key {
        Key::Int(i) => Value::Int(*i),
        Key::Str(s) => vm
            .paged_heap()
            .access(|h| {
                let g = globals_block(h)?;
                string::new_string(h, g, s.as_bytes())
            })
            .map(Value::Str)
            .unwrap(),
    }
}

fn key_of(vm: &mut LuaVm<MemStore>, v: Value) -> Key {
    match v {
        Value::Int(i) => Key::Int(i),
        Value::Str(s) => Key::Str(String::from_utf8(vm.paged_heap().access(|h| string::bytes(h, s)).unwrap()).unwrap()),
        other => panic!("unexpected key {other:?}"),
    }
}

/// A new table, kept in global `name` so it stays reachable.
fn new_rooted_table(vm: &mut LuaVm<MemStore>, name: &str) -> Addr {
    vm.paged_heap()
        .access(|h| {
            let g = globals_block(h)?;
            let t = table::new_table(h, g, 0, 0)?;
            let globals = h.read_u64(g + G_GLOBALS)?;
            let k = string::new_string(h, g, name.as_bytes())?;
            table::set(h, globals, Value::Str(k), Value::Table(t))?.unwrap();
            Ok(t)
        })
        .unwrap()
}

fn check_traversal(vm: &mut LuaVm<MemStore>, t: Addr, model: &BTreeMap<Key, i64>, context: &str) {
    let mut seen = BTreeMap::new();
    let mut key = Value::Nil;
    loop {
        let next = vm.paged_heap().access(|h| table::next(h, t, key)).unwrap();
        let Some((k, v)) = next.unwrap_or_else(|()| panic!("{context}: next lost its key")) else { break };
        let Value::Int(v) = v else { panic!("{context}: value {v:?}") };
        let mk = key_of(vm, k);
        assert!(seen.insert(mk.clone(), v).is_none(), "{context}: key {mk:?} visited twice");
        key = k;
    }
    assert_eq!(&seen, model, "{context}: traversal differs from the model");
}

fn check_length(vm: &mut LuaVm<MemStore>, t: Addr, model: &BTreeMap<Key, i64>, context: &str) {
    let n = vm.paged_heap().access(|h| table::length(h, t)).unwrap() as i64;
    assert!(n == 0 || model.contains_key(&Key::Int(n)), "{context}: #t = {n} but t[{n}] is nil");
    assert!(!model.contains_key(&Key::Int(n + 1)), "{context}: #t = {n} but t[{}] is not nil", n + 1);
}

/// Key shapes that send keys to different parts and move them across.
fn random_key(rng: &mut Rng, round: u64) -> Key {
    match rng.below(8) {
        0 | 1 => Key::Int(1 + rng.below(64) as i64),
        2 => Key::Int(1 + rng.below(2048) as i64),
        // a block filled from its top end, a little lower each round
        3 | 4 => Key::Int(4000 - (round % 3000) as i64 - rng.below(16) as i64),
        5 => Key::Int(-(rng.below(32) as i64)),
        6 => Key::Int(1 << (10 + rng.below(40))),
        _ => Key::Str(format!("k{}", rng.below(300))),
    }
}

#[test]
fn tables_match_a_model_through_resizes() {
    for seed in 1..=6u64 {
        let mut rng = Rng::new(seed);
        let mut vm = vm(64 * 4096);
        let t = new_rooted_table(&mut vm, "T");
        let mut model: BTreeMap<Key, i64> = BTreeMap::new();
        for round in 0..6000u64 {
            let key = random_key(&mut rng, round);
            let kv = value_of(&mut vm, &key);
            // More insertions than removals, so tables grow through many resizes.
            if rng.below(4) == 0 {
                vm.paged_heap().access(|h| table::set(h, t, kv, Value::Nil)).unwrap().unwrap();
                model.remove(&key);
            } else {
                let v = rng.below(1_000_000) as i64;
                vm.paged_heap().access(|h| table::set(h, t, kv, Value::Int(v))).unwrap().unwrap();
                model.insert(key.clone(), v);
            }
            let probe = random_key(&mut rng, round);
            let pv = value_of(&mut vm, &probe);
            let got = vm.paged_heap().access(|h| table::get(h, t, pv)).unwrap();
            let want = model.get(&probe).map_or(Value::Nil, |&v| Value::Int(v));
            assert_eq!(got, want, "seed {seed} round {round}: t[{probe:?}]");
            if round % 500 == 499 {
                let context = format!("seed {seed} round {round}");
                check_traversal(&mut vm, t, &model, &context);
                check_length(&mut vm, t, &model, &context);
            }
        }
    }
}

/// Clearing fields during a traversal is allowed and must not disturb it.
#[test]
fn clearing_during_traversal_visits_every_key_once() {
    let mut vm = vm(64 * 4096);
    let t = new_rooted_table(&mut vm, "T");
    let mut model = BTreeMap::new();
    for i in (1..=3000i64).rev() {
        vm.paged_heap().access(|h| table::set(h, t, Value::Int(i), Value::Int(i))).unwrap().unwrap();
        model.insert(Key::Int(i), i);
    }
    for i in 0..200 {
        let key = Key::Str(format!("s{i}"));
        let kv = value_of(&mut vm, &key);
        vm.paged_heap().access(|h| table::set(h, t, kv, Value::Int(i))).unwrap().unwrap();
        model.insert(key, i);
    }
    let mut seen = 0;
    let mut key = Value::Nil;
    loop {
        let Some((k, _)) = vm.paged_heap().access(|h| table::next(h, t, key)).unwrap().unwrap() else { break };
        vm.paged_heap().access(|h| table::set(h, t, k, Value::Nil)).unwrap().unwrap();
        seen += 1;
        key = k;
    }
    assert_eq!(seen, model.len());
    check_traversal(&mut vm, t, &BTreeMap::new(), "after clearing");
}

fn global_table(vm: &mut LuaVm<MemStore>, name: &str) -> Addr {
    let v = vm
        .paged_heap()
        .access(|h| {
            let g = globals_block(h)?;
            let globals = h.read_u64(g + G_GLOBALS)?;
            let k = string::new_string(h, g, name.as_bytes())?;
            table::get(h, globals, Value::Str(k))
        })
        .unwrap();
    match v {
        Value::Table(t) => t,
        other => panic!("{name} is {other:?}"),
    }
}

fn run(vm: &mut LuaVm<MemStore>, program: &str) -> String {
    vm.load(program.as_bytes(), "=tables").unwrap().unwrap();
    let mut out = Vec::new();
    loop {
        match vm.run(1_000_000, &mut |b| out.extend_from_slice(b)).unwrap() {
            RunOutcome::Paused => {}
            RunOutcome::Done => return String::from_utf8(out).unwrap(),
            RunOutcome::Failed => panic!("failed: {:?}", vm.error_report()),
        }
    }
}

/// Keys 1..n end up in the array part whatever order they were set in, as
/// in Lua 5.4; keys that are too sparse stay in the hash part.
#[test]
fn integer_keys_move_to_the_array_part() {
    let mut vm = vm(64 * 4096);
    let out = run(
        &mut vm,
        r#"
        local N = 100000
        down = {}
        for i = N, 1, -1 do down[i] = i end
        odd_first = {}
        for i = 1, N, 2 do odd_first[i] = i end
        for i = 2, N, 2 do odd_first[i] = i end
        mixed = {}
        for i = 1, 5000 do mixed["k" .. i] = i; mixed[5001 - i] = i end
        sparse = {}
        for i = 1, 1000 do sparse[i * 1000] = i end
        print(#down, #odd_first, #mixed)
        "#,
    );
    assert_eq!(out, "100000\t100000\t5000\n");
    for name in ["down", "odd_first", "mixed"] {
        let t = global_table(&mut vm, name);
        let layout = vm.paged_heap().access(|h| table::layout(h, t)).unwrap();
        let n = if name == "mixed" { 5000 } else { 100_000 };
        assert!(layout.array_size >= n && layout.array_size < 4 * n, "{name}: {layout:?}");
        assert_eq!(layout.hashed_ints, 0, "{name}: {layout:?}");
        assert!(!layout.migrating, "{name}: {layout:?}");
    }
    let sparse = global_table(&mut vm, "sparse");
    let layout = vm.paged_heap().access(|h| table::layout(h, sparse)).unwrap();
    assert_eq!(layout.array_size, 0, "sparse: {layout:?}");
    assert_eq!(layout.hashed_ints, 1000, "sparse: {layout:?}");
}

/// `#t` on an array part is a binary search over its pages: a table filled
/// from its top end no longer costs a random hash page per probe.
#[test]
fn length_of_a_top_down_array_reads_few_pages() {
    let mut vm = vm(64 * 4096);
    run(&mut vm, "down = {} for i = 300000, 1, -1 do down[i] = i end local x = {} for i = 1, 200000 do x[i] = i end");
    let t = global_table(&mut vm, "down");
    let before = vm.stats().faults;
    let n = vm.paged_heap().access(|h| table::length(h, t)).unwrap();
    let faults = vm.stats().faults - before;
    assert_eq!(n, 300000);
    // log2(300000) probes of the array plus the table's own page.
    assert!(faults <= 24, "{faults} faults for #t");
}
