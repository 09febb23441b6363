-- <close> variables on error paths
local function closer(name)
  return setmetatable({}, {__close = function(_, err)
    print("closing", name, "err:", err)
  end})
end

local ok, err = pcall(function()
  local a <close> = closer("a")
  local b <close> = closer("b")
  error("boom", 0)
end)
print(ok, err)

-- error inside __close replaces the original error
ok, err = pcall(function()
  local a <close> = setmetatable({}, {__close = function(_, e)
    print("a sees", e)
    error("from a", 0)
  end})
  local b <close> = setmetatable({}, {__close = function(_, e)
    print("b sees", e)
    error("from b", 0)
  end})
  error("original", 0)
end)
print(ok, err)

-- error in __close during normal exit
ok, err = pcall(function()
  local a <close> = setmetatable({}, {__close = function(_, e)
    print("a normal exit err =", e)
    error("close failed", 0)
  end})
  return 1
end)
print(ok, err)

-- table error objects pass through to the close handler
ok, err = pcall(function()
  local a <close> = setmetatable({}, {__close = function(_, e)
    print("got table", type(e), e.code)
  end})
  error({code = 42})
end)
print(ok, type(err), err.code)
