-- word frequency count with deterministic output
local text = [[
It was the best of times, it was the worst of times, it was the age of wisdom,
it was the age of foolishness, it was the epoch of belief, it was the epoch of
incredulity, it was the season of Light, it was the season of Darkness, it was
the spring of hope, it was the winter of despair, we had everything before us,
we had nothing before us, we were all going direct to Heaven, we were all going
direct the other way.
]]
local freq = {}
local total = 0
for word in text:lower():gmatch("%a+") do
  freq[word] = (freq[word] or 0) + 1
  total = total + 1
end
local words = {}
for w, c in pairs(freq) do words[#words + 1] = {word = w, count = c} end
table.sort(words, function(a, b)
  if a.count ~= b.count then return a.count > b.count end
  return a.word < b.word
end)
print("total words", total, "distinct", #words)
for i = 1, 12 do print(string.format("%2d. %-10s %3d", i, words[i].word, words[i].count)) end
local letters = {}
for c in text:lower():gmatch("%a") do letters[c] = (letters[c] or 0) + 1 end
local ls = {}
for c in pairs(letters) do ls[#ls + 1] = c end
table.sort(ls)
local line = {}
for _, c in ipairs(ls) do line[#line + 1] = c .. letters[c] end
print(table.concat(line, " "))
local longest = ""
for w in pairs(freq) do if #w > #longest or (#w == #longest and w < longest) then longest = w end end
print("longest word", longest)
local lines = 0
for _ in text:gmatch("[^\n]+") do lines = lines + 1 end
print("lines", lines)
