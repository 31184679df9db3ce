-- The stream handle API of Envoy's Lua filter, built on the gateway's native functions. Waiting
-- (for a body, an HTTP call) is a coroutine.yield here, in Lua, so no native frame is ever unwound
-- by a yield or an error.
local N = ...
local yield = coroutine.yield
local setmetatable = setmetatable
local error = error

local function check(ok, message)
  if not ok then error(message, 3) end
end

local function header_map(which)
  local map = {}
  function map:get(key) return N.h_get(which, key) end
  function map:getAtIndex(key, index) return N.h_at(which, key, index) end
  function map:getNumValues(key) return N.h_count(which, key) end
  function map:add(key, value) check(N.h_add(which, key, value)) end
  function map:replace(key, value) check(N.h_replace(which, key, value)) end
  function map:remove(key) check(N.h_remove(which, key)) end
  function map:setHttp1ReasonPhrase(_) end
  return setmetatable(map, {
    __pairs = function(t)
      local list = N.h_list(which)
      local i = 0
      return function()
        i = i + 1
        local entry = list[i]
        if entry then return entry[1], entry[2] end
      end, t, nil
    end,
  })
end

local function buffer(dir)
  local b = {}
  function b:length() return N.body_len(dir) end
  function b:getBytes(index, length) return N.body_get(dir, index, length) end
  function b:setBytes(data) return N.body_set(dir, data) end
  return b
end

local function dynamic_metadata()
  local d = {}
  function d:get(ns) return N.dyn_get(ns) end
  function d:set(ns, key, value) check(N.dyn_set(ns, key, value)) end
  return setmetatable(d, {
    __pairs = function(t)
      local all = N.dyn_all()
      return next, all, nil
    end,
  })
end

local function stream_info()
  local s = {}
  function s:protocol() return N.si("protocol") end
  function s:downstreamLocalAddress() return N.si("local") end
  function s:downstreamRemoteAddress() return N.si("remote") end
  function s:downstreamDirectRemoteAddress() return N.si("remote") end
  function s:downstreamDirectLocalAddress() return N.si("local") end
  function s:requestedServerName() return N.si("sni") end
  function s:routeName() return N.si("route") end
  function s:dynamicMetadata() return dynamic_metadata() end
  function s:downstreamSslConnection() return nil end
  return s
end

local function metadata()
  local m = {}
  function m:get(key) return N.metadata_get(key) end
  return setmetatable(m, { __pairs = function(t) return next, {}, nil end })
end

local function handle(dir)
  local h = {}
  function h:headers() return header_map(dir) end
  function h:body(_)
    local state = N.body_state(dir)
    if state == 1 then yield("body"); state = N.body_state(dir) end
    if state == 2 then return nil end
    return buffer(dir)
  end
  function h:bodyChunks()
    local body = self:body()
    local done = body == nil
    return function()
      if done then return nil end
      done = true
      return body
    end
  end
  function h:trailers()
    if N.body_state(dir) == 1 then yield("body") end
    if N.trailers_has(dir) then return header_map(dir .. "_trailers") end
    return nil
  end
  function h:metadata() return metadata() end
  function h:streamInfo() return stream_info() end
  function h:connection()
    local c = {}
    function c:ssl() return N.conn_ssl() end
    return c
  end
  function h:logTrace(m) N.log(0, m) end
  function h:logDebug(m) N.log(1, m) end
  function h:logInfo(m) N.log(2, m) end
  function h:logWarn(m) N.log(3, m) end
  function h:logErr(m) N.log(4, m) end
  function h:logCritical(m) N.log(5, m) end
  function h:httpCall(cluster, headers, body, timeout, options)
    local async = options == true or (type(options) == "table" and options.asynchronous == true)
    check(N.call_prepare(cluster, headers, body, timeout, async))
    if async then return end
    return yield("httpcall")
  end
  function h:respond(headers, body)
    check(N.respond(dir, headers, body))
    yield("respond")
  end
  function h:clearRouteCache() N.clear_route_cache() end
  function h:base64Escape(s) return N.base64(s) end
  function h:timestamp() return N.timestamp(false) end
  function h:timestampString() return N.timestamp(true) end
  function h:filterContext() return {} end
  return h
end

function __envoy_run(dir, name)
  local f = _G[name]
  f(handle(dir))
  return "done"
end
