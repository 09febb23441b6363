-- a Brainfuck interpreter running fixed programs
local function run(prog, input)
  local tape, ptr, pc, out, inpos = {}, 1, 1, {}, 1
  local jump, stack = {}, {}
  for i = 1, #prog do
    local c = prog:sub(i, i)
    if c == "[" then stack[#stack + 1] = i
    elseif c == "]" then
      local j = table.remove(stack)
      if not j then error("unmatched ] at " .. i) end
      jump[i], jump[j] = j, i
    end
  end
  if #stack > 0 then error("unmatched [ at " .. stack[#stack]) end
  local steps = 0
  while pc <= #prog do
    local c = prog:byte(pc)
    steps = steps + 1
    if c == 62 then ptr = ptr + 1
    elseif c == 60 then ptr = ptr - 1
    elseif c == 43 then tape[ptr] = ((tape[ptr] or 0) + 1) % 256
    elseif c == 45 then tape[ptr] = ((tape[ptr] or 0) - 1) % 256
    elseif c == 46 then out[#out + 1] = string.char(tape[ptr] or 0)
    elseif c == 44 then tape[ptr] = input and input:byte(inpos) or 0; inpos = inpos + 1
    elseif c == 91 then if (tape[ptr] or 0) == 0 then pc = jump[pc] end
    elseif c == 93 then if (tape[ptr] or 0) ~= 0 then pc = jump[pc] end
    end
    pc = pc + 1
  end
  return table.concat(out), steps
end
local hello = "++++++++[>++++[>++>+++>+++>+<<<<-]>+>+>->>+[<]<-]>>.>---.+++++++..+++.>>.<-.<.+++.------.--------.>>+.>++."
print(run(hello))
-- reverse input
print(run(">,[>,]<[.<]", "stressed"))
-- add two digits: reads two chars, outputs their sum as a digit
print(run(",>,[<+>-]<------------------------------------------------.", "34"))
-- squares-like counter printing 0..9
print(run("++++++++++[>+++++<-]>--[>+>+<<-]>>[<<+>>-]++++++++++[<.+>-]"))
print(pcall(run, "[[]"))
print(pcall(run, "]"))
