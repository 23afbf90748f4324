-- Driven by test_neovim.py: an ambiguous stub in SEIDR_FILE. Synthesize (edits nothing, says what is ambiguous),
-- then the code action that adds the example pinning max(xs), then Synthesize again; report to SEIDR_OUT.
local session = dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "stub_session.lua")
local report = { chosen = {}, messages = {} }
local function finish(why) session.finish(report, why) end

vim.lsp.handlers["window/showMessage"] = function(_, result)
  table.insert(report.messages, result.message)
  return result
end

session.open(report)

-- the menu an editor shows: pick the first action whose title starts with `wanted` (plain text)
local function pick(wanted)
  local offered = false
  vim.ui.select = function(items, _, on_choice)
    offered = true
    for i, item in ipairs(items) do
      if item[2].title:sub(1, #wanted) == wanted then
        table.insert(report.chosen, item[2].title)
        return on_choice(item, i)
      end
    end
    on_choice(nil, nil)
  end
  vim.lsp.buf.code_action()
  return vim.wait(30000, function() return offered end, 50)
end
local function has(text)
  return function()
    for _, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
      if line:find(text, 1, true) then return true end
    end
    return false
  end
end

vim.api.nvim_win_set_cursor(0, { 1, 4 })
if not pick("seidr: Synthesize") then finish("no code actions offered") end
local said = nil
local function ambiguous()
  for _, m in ipairs(report.messages) do
    if m:find("ambiguous: ", 1, true) then said = m return true end
  end
  return false
end
if not vim.wait(120000, ambiguous, 50) then finish("no ambiguity was reported") end
-- "ambiguous: f([...]) gives A (label) or B (max(xs))": the call, and the result max gives there
local call = said:match("ambiguous: (.-) gives ")
local for_max = said:match("gives ([^()]-) %(max%(xs%)%)") or said:match(" or ([^()]-) %(max%(xs%)%)")
if call == nil or for_max == nil then finish("cannot read the ambiguity: " .. said) end
report.call, report.for_max = call, for_max
if not pick("seidr: add example `" .. call .. "` → `" .. for_max .. "`") then finish("no add-example action") end
if not vim.wait(30000, has(">>> " .. call), 50) then finish("the example never came") end
if not pick("seidr: Synthesize") then finish("no code actions offered the second time") end
if not vim.wait(120000, has("return max(xs)"), 50) then finish("the pinned program never came") end
vim.cmd("write")
finish("written")
