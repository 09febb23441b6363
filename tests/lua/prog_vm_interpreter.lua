-- a tiny stack-based virtual machine with an assembler
local function assemble(src)
  local code, labels, fixups = {}, {}, {}
  for line in src:gmatch("[^\n]+") do
    line = line:gsub(";.*", ""):match("^%s*(.-)%s*$")
    if line ~= "" then
      local label = line:match("^(%w+):$")
      if label then labels[label] = #code + 1
      else
        local op, arg = line:match("^(%a+)%s*(%S*)$")
        code[#code + 1] = {op = op, arg = tonumber(arg) or (arg ~= "" and arg or nil)}
        if type(code[#code].arg) == "string" then fixups[#fixups + 1] = #code end
      end
    end
  end
  for _, i in ipairs(fixups) do
    local l = code[i].arg
    code[i].arg = labels[l] or error("undefined label " .. l)
  end
  return code
end
local function run(code, trace)
  local stack, sp, pc, out, steps = {}, 0, 1, {}, 0
  local function push(v) sp = sp + 1; stack[sp] = v end
  local function pop() local v = stack[sp]; stack[sp] = nil; sp = sp - 1; return v end
  while pc <= #code do
    local ins = code[pc]
    pc = pc + 1
    steps = steps + 1
    local op = ins.op
    if op == "push" then push(ins.arg)
    elseif op == "add" then local b = pop(); push(pop() + b)
    elseif op == "sub" then local b = pop(); push(pop() - b)
    elseif op == "mul" then local b = pop(); push(pop() * b)
    elseif op == "dup" then push(stack[sp])
    elseif op == "swap" then stack[sp], stack[sp - 1] = stack[sp - 1], stack[sp]
    elseif op == "over" then push(stack[sp - 1])
    elseif op == "drop" then pop()
    elseif op == "jz" then if pop() == 0 then pc = ins.arg end
    elseif op == "jmp" then pc = ins.arg
    elseif op == "print" then out[#out + 1] = tostring(pop())
    elseif op == "halt" then break
    else error("bad opcode " .. tostring(op)) end
  end
  return table.concat(out, " "), steps, sp
end
local factorial = [[
  push 1        ; acc
  push 10       ; n
loop:
  dup
  jz done
  dup           ; acc n n
  swap          ; acc n n -> acc n n (no-op pair)
  drop
  swap          ; n acc
  over          ; n acc n
  mul           ; n acc*n
  swap          ; acc n
  push 1
  sub
  jmp loop
done:
  drop
  print
  halt
]]
print(run(assemble(factorial)))
local countdown = [[
  push 5
top:
  dup
  print
  push 1
  sub
  dup
  jz end
  jmp top
end:
  print
]]
print(run(assemble(countdown)))
print(pcall(assemble, "jmp nowhere"))
print(pcall(run, assemble("bogus 1")))
