//! Values passed between the host and Lua: a program reads its input from a
//! global the host set, and the host reads the program's results back.
#![cfg(not(target_arch = "wasm32"))] // native only; tests/web.rs runs in the browser

use vheap::heap::HeapConfig;
use vheap::lua::host::HostValue::{self, *};
use vheap::lua::runtime::{LuaVm, RunOutcome};
use vheap::store::MemStore;

fn vm() -> LuaVm<MemStore> {
    let config = HeapConfig { page_size: 4096, memory: 64 * 4096, max_size: 1 << 30 };
    LuaVm::create(MemStore::new(), "h", &config).unwrap()
}

fn run(vm: &mut LuaVm<MemStore>, source: &str) -> String {
    vm.load(source.as_bytes(), "=t").unwrap().unwrap();
    let mut out = Vec::new();
    while vm.run(10_000, &mut |b| out.extend_from_slice(b)).unwrap() == RunOutcome::Paused {}
    String::from_utf8(out).unwrap()
}

fn s(text: &str) -> HostValue {
    Str(text.as_bytes().to_vec())
}

#[test]
fn input_goes_in_and_results_come_out() {
    let mut vm = vm();
    let input = Map(vec![
        (s("name"), s("vheap")),
        (s("numbers"), List(vec![Int(3), Int(1), Int(2)])),
        (s("scale"), Float(1.5)),
        (s("deep"), Map(vec![(s("ok"), Bool(true))])),
    ]);
    vm.set_global("input", &input).unwrap().unwrap();
    let out = run(
        &mut vm,
        r#"
        table.sort(input.numbers)
        print(input.name, #input.numbers, input.scale, input.deep.ok)
        result = { sorted = input.numbers, total = input.numbers[1] + input.numbers[2] + input.numbers[3], label = "done" }
        "#,
    );
    assert_eq!(out, "vheap\t3\t1.5\ttrue\n");
    let result = vm.get_global("result").unwrap().unwrap();
    let Map(mut entries) = result else { panic!("a table with string keys is a map: {result:?}") };
    entries.sort_by(|a, b| format!("{:?}", a.0).cmp(&format!("{:?}", b.0)));
    assert_eq!(entries, vec![(s("label"), s("done")), (s("sorted"), List(vec![Int(1), Int(2), Int(3)])), (s("total"), Int(6))]);
    assert_eq!(vm.get_global("missing").unwrap().unwrap(), Nil);
}

#[test]
fn functions_cycles_and_oversized_values_are_refused_with_a_reason() {
    let mut vm = vm();
    run(&mut vm, "f = print; t = {}; t.self = t; co = coroutine.create(print)");
    assert!(vm.get_global("f").unwrap().unwrap_err().contains("function"));
    assert!(vm.get_global("t").unwrap().unwrap_err().contains("cycle"));
    assert!(vm.get_global("co").unwrap().unwrap_err().contains("thread"));
    let huge = List((0..vheap::lua::host::MAX_VALUES as i64 + 1).map(Int).collect());
    assert!(vm.set_global("huge", &huge).unwrap().unwrap_err().contains("too large"));
    assert_eq!(vm.get_global("huge").unwrap().unwrap(), Nil, "a refused value leaves nothing behind");
    // A NaN key has no Lua form.
    let nan_key = Map(vec![(Float(f64::NAN), Int(1))]);
    assert!(vm.set_global("bad", &nan_key).unwrap().is_err());
}
