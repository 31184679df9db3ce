-- The stream handle API of Envoy's Lua filter, built on the gateway's native functions. Waiting
-- (for a body, an HTTP call) is a coroutine.yield here, in Lua, so no native frame is ever unwound
-- by a yield or an error. The method tables are built once per state; a handle is a small table.
local N = ...
local yield = coroutine.yield
local setmetatable = setmetatable
local error = error
local type = type

local function check(ok, message)
  if not ok then error(message, 3) end
end

local HeaderMap = {}
HeaderMap.__index = HeaderMap
function HeaderMap:get(key) return N.h_get(self[1], key) end
function HeaderMap:getAtIndex(key, index) return N.h_at(self[1], key, index) end
function HeaderMap:getNumValues(key) return N.h_count(self[1], key) end
function HeaderMap:add(key, value) check(N.h_add(self[1], key, value)) end
function HeaderMap:replace(key, value) check(N.h_replace(self[1], key, value)) end
function HeaderMap:remove(key) check(N.h_remove(self[1], key)) end
function HeaderMap:setHttp1ReasonPhrase(_) end
HeaderMap.__pairs = function(t)
  local list = N.h_list(t[1])
  local i = 0
  return function()
    i = i + 1
    local entry = list[i]
    if entry then return entry[1], entry[2] end
  end, t, nil
end

local Buffer = {}
Buffer.__index = Buffer
function Buffer:length() return N.body_len(self[1]) end
function Buffer:getBytes(index, length) return N.body_get(self[1], index, length) end
function Buffer:setBytes(data) return N.body_set(self[1], data) end

local DynamicMetadata = {}
DynamicMetadata.__index = DynamicMetadata
function DynamicMetadata:get(ns) return N.dyn_get(ns) end
function DynamicMetadata:set(ns, key, value) check(N.dyn_set(ns, key, value)) end
DynamicMetadata.__pairs = function(t) return next, N.dyn_all(), nil end
local dynamic_metadata = setmetatable({}, DynamicMetadata)

local StreamInfo = {}
StreamInfo.__index = StreamInfo
function StreamInfo:protocol() return N.si("protocol") end
function StreamInfo:downstreamLocalAddress() return N.si("local") end
function StreamInfo:downstreamRemoteAddress() return N.si("remote") end
function StreamInfo:downstreamDirectRemoteAddress() return N.si("remote") end
function StreamInfo:downstreamDirectLocalAddress() return N.si("local") end
function StreamInfo:requestedServerName() return N.si("sni") end
function StreamInfo:routeName() return N.si("route") end
function StreamInfo:dynamicMetadata() return dynamic_metadata end
function StreamInfo:downstreamSslConnection() return nil end
local stream_info = setmetatable({}, StreamInfo)

local Metadata = {}
Metadata.__index = Metadata
function Metadata:get(key) return N.metadata_get(key) end
Metadata.__pairs = function(t) return next, {}, nil end
local metadata = setmetatable({}, Metadata)

local Connection = {}
Connection.__index = Connection
function Connection:ssl() return N.conn_ssl() end
local connection = setmetatable({}, Connection)

local Handle = {}
Handle.__index = Handle
function Handle:headers()
  local map = self._headers
  if not map then map = setmetatable({ self._dir }, HeaderMap); self._headers = map end
  return map
end
function Handle:body(_)
  local dir = self._dir
  local state = N.body_state(dir)
  if state == 1 then yield("body"); state = N.body_state(dir) end
  if state == 2 then return nil end
  return setmetatable({ dir }, Buffer)
end
function Handle:bodyChunks()
  local body = self:body()
  local done = body == nil
  return function()
    if done then return nil end
    done = true
    return body
  end
end
function Handle:trailers()
  local dir = self._dir
  if N.body_state(dir) == 1 then yield("body") end
  if N.trailers_has(dir) then return setmetatable({ dir .. "_trailers" }, HeaderMap) end
  return nil
end
function Handle:metadata() return metadata end
function Handle:streamInfo() return stream_info end
function Handle:connection() return connection end
function Handle:logTrace(m) N.log(0, m) end
function Handle:logDebug(m) N.log(1, m) end
function Handle:logInfo(m) N.log(2, m) end
function Handle:logWarn(m) N.log(3, m) end
function Handle:logErr(m) N.log(4, m) end
function Handle:logCritical(m) N.log(5, m) end
function Handle:httpCall(cluster, headers, body, timeout, options)
  local async = options == true or (type(options) == "table" and options.asynchronous == true)
  check(N.call_prepare(cluster, headers, body, timeout, async))
  if async then return end
  return yield("httpcall")
end
function Handle:respond(headers, body)
  check(N.respond(self._dir, headers, body))
  yield("respond")
end
function Handle:clearRouteCache() N.clear_route_cache() end
function Handle:base64Escape(s) return N.base64(s) end
function Handle:timestamp() return N.timestamp(false) end
function Handle:timestampString() return N.timestamp(true) end
function Handle:filterContext() return {} end

function __envoy_run(dir, name)
  _G[name](setmetatable({ _dir = dir }, Handle))
  return "done"
end
