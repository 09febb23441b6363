-- graph algorithms: BFS, DFS, Dijkstra, topological sort
local edges = {
  {"A", "B", 4}, {"A", "C", 2}, {"B", "C", 5}, {"B", "D", 10}, {"C", "E", 3},
  {"E", "D", 4}, {"D", "F", 11}, {"E", "F", 20}, {"G", "H", 1},
}
local adj = {}
local function add(u, v, w) adj[u] = adj[u] or {}; adj[u][#adj[u] + 1] = {to = v, w = w} end
for _, e in ipairs(edges) do add(e[1], e[2], e[3]); add(e[2], e[1], e[3]) end
for _, l in pairs(adj) do table.sort(l, function(a, b) return a.to < b.to end) end
local function bfs(start)
  local order, dist, q, head = {}, {[start] = 0}, {start}, 1
  while head <= #q do
    local u = q[head]; head = head + 1
    order[#order + 1] = u .. dist[u]
    for _, e in ipairs(adj[u] or {}) do
      if dist[e.to] == nil then dist[e.to] = dist[u] + 1; q[#q + 1] = e.to end
    end
  end
  return table.concat(order, " ")
end
local function dfs(start)
  local seen, order = {}, {}
  local function visit(u)
    seen[u] = true
    order[#order + 1] = u
    for _, e in ipairs(adj[u] or {}) do if not seen[e.to] then visit(e.to) end end
  end
  visit(start)
  return table.concat(order)
end
local function dijkstra(src)
  local dist, prev, done = {[src] = 0}, {}, {}
  while true do
    local u, best = nil, math.huge
    for node, d in pairs(dist) do
      if not done[node] and (d < best or (d == best and node < u)) then u, best = node, d end
    end
    if not u then break end
    done[u] = true
    for _, e in ipairs(adj[u]) do
      local nd = best + e.w
      if dist[e.to] == nil or nd < dist[e.to] then dist[e.to] = nd; prev[e.to] = u end
    end
  end
  return dist, prev
end
print("bfs", bfs("A"))
print("dfs", dfs("A"), dfs("G"))
local dist, prev = dijkstra("A")
local nodes = {}
for n in pairs(dist) do nodes[#nodes + 1] = n end
table.sort(nodes)
for _, n in ipairs(nodes) do
  local path, cur = {}, n
  while cur do table.insert(path, 1, cur); cur = prev[cur] end
  print(n, dist[n], table.concat(path, "->"))
end
local deps = {app = {"lib", "util"}, lib = {"core"}, util = {"core"}, core = {}, test = {"app"}}
local function topo(g)
  local names = {}
  for k in pairs(g) do names[#names + 1] = k end
  table.sort(names)
  local state, out = {}, {}
  local function visit(n)
    if state[n] == "done" then return end
    if state[n] == "active" then error("cycle at " .. n) end
    state[n] = "active"
    local ds = {table.unpack(g[n])}
    table.sort(ds)
    for _, d in ipairs(ds) do visit(d) end
    state[n] = "done"
    out[#out + 1] = n
  end
  for _, n in ipairs(names) do visit(n) end
  return table.concat(out, " ")
end
print(topo(deps))
deps.core = {"test"}
print(pcall(topo, deps))
