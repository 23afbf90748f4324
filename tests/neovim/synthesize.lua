-- Driven by test_neovim.py: open SEIDR_FILE with seidr attached (editors/neovim/seidr-0.7.lua), save, wait for the
-- stub diagnostic, run the synthesize code action on line SEIDR_LINE (chosen through vim.ui.select), wait for
-- the edit, write the buffer, and report what happened to SEIDR_OUT.
local session = dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "stub_session.lua")
local report = { chosen = {}, offered = {} }
local function finish(why) session.finish(report, why) end

session.open(report)
report.stub = true

-- the menu an editor would show: pick seidr's synthesize action
vim.ui.select = function(items, opts, on_choice)
  for i, item in ipairs(items) do
    local action = item[2]
    table.insert(report.offered, action.title)
    if action.title:match("^seidr: Synthesize") then
      table.insert(report.chosen, action.title)
      return on_choice(item, i)
    end
  end
  on_choice(nil, nil)
end
vim.api.nvim_win_set_cursor(0, { tonumber(os.getenv("SEIDR_LINE")) + 1, 0 })
vim.lsp.buf.code_action()
if not vim.wait(30000, function() return #report.offered > 0 end, 50) then finish("no code actions offered") end

local want = os.getenv("SEIDR_WANT")
local function landed()
  for _, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    if line:find(want, 1, true) then return true end
  end
  return false
end
if not vim.wait(120000, landed, 50) then finish("the edit never came") end
vim.cmd("write")
finish("written")
