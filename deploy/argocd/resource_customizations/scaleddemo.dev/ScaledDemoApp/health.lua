-- Argo CD health check for scaleddemo.dev/ScaledDemoApp (scaled-demo-operator).
-- Reads what the operator writes: status.observedGeneration and the conditions Stalled (Degraded), Reconciling
-- (Progressing) and Ready (Healthy); kstatus (Flux) reads the same. Paused=True (pause annotations) is Suspended;
-- Fallback=True (the metric is missing and the fallback replica count is in force) is Degraded. A missing metric
-- under the Hold policy stays Healthy: the app serves, and Argo CD's own HPA check marks the child HPA Degraded.
local hs = {}

local function find(conditions, type)
  if conditions == nil then return nil end
  for _, c in ipairs(conditions) do
    if c.type == type then return c end
  end
  return nil
end

local function describe(c)
  if c.message ~= nil and c.message ~= "" then return c.reason .. ": " .. c.message end
  return c.reason
end

if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report a status"
  return hs
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration ~= obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. obj.metadata.generation
  return hs
end

-- the first of these conditions that is True decides, in this order
local function whenTrue(type, health)
  local c = find(obj.status.conditions, type)
  if c ~= nil and c.status == "True" then
    hs.status = health
    hs.message = describe(c)
    return true
  end
  return false
end
if whenTrue("Stalled", "Degraded") or whenTrue("Reconciling", "Progressing") or whenTrue("Paused", "Suspended")
    or whenTrue("Fallback", "Degraded") then
  return hs
end
local ready = find(obj.status.conditions, "Ready")
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message
  return hs
end
-- an operator older than Reconciling/Stalled: not Ready yet is all it says
hs.status = "Progressing"
if ready ~= nil then
  hs.message = describe(ready)
else
  hs.message = "Waiting for the Ready condition"
end
return hs
