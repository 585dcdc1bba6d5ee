-- Headless Neovim (0.7+) and the wiring of `lpg lsp --stdio`: CodeLens, running one (the README's
-- `lpg.showWiring` handler fills the quickfix list) and a hover.
--   nvim --headless -u NONE -i NONE -n -c 'luafile wiring.lua'
-- Environment: LPG_CMD (JSON array), LPG_FILE, LPG_ROOT, LPG_OUT (result JSON), LPG_HANDLER (Lua file), LPG_LINE (1-based line
-- of the function whose lens runs), LPG_HOVER ("line,character", 0-based).
local out = os.getenv('LPG_OUT')
local result = { steps = {} }

local function finish(err)
  result.error = err
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

-- the README's `lpg.showWiring` handler (the test writes it, read from README.md, to LPG_HANDLER)
dofile(os.getenv('LPG_HANDLER'))

local ok, err = pcall(function()
  local cmd = vim.fn.json_decode(os.getenv('LPG_CMD'))
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LPG_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = 'lpg', cmd = cmd, root_dir = os.getenv('LPG_ROOT'), settings = { lpg = { debounceMs = 50 } } })
  if not id then return finish('start_client failed') end
  vim.lsp.buf_attach_client(bufnr, id)
  if not vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50) then return finish('no diagnostics within 30 s') end
  table.insert(result.steps, 'diagnostics')

  vim.lsp.codelens.refresh()
  if not vim.wait(15000, function() return #vim.lsp.codelens.get(bufnr) > 0 end, 50) then return finish('no lenses within 15 s') end
  result.lenses = {}
  for _, l in ipairs(vim.lsp.codelens.get(bufnr)) do
    table.insert(result.lenses, { line = l.range.start.line, title = l.command and l.command.title, command = l.command and l.command.command })
  end
  table.insert(result.steps, 'lenses')

  vim.api.nvim_win_set_cursor(0, { tonumber(os.getenv('LPG_LINE')), 0 })
  vim.lsp.codelens.run()
  if not vim.wait(5000, function() return #vim.fn.getqflist() > 0 end, 50) then return finish('the lens did not fill the quickfix list') end
  result.quickfix = { title = vim.fn.getqflist({ title = 1 }).title, items = {} }
  for _, q in ipairs(vim.fn.getqflist()) do table.insert(result.quickfix.items, { lnum = q.lnum, col = q.col, text = q.text }) end
  table.insert(result.steps, 'ran')

  local l, c = os.getenv('LPG_HOVER'):match('(%d+),(%d+)')
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = tonumber(l), character = tonumber(c) } }, 15000)
  for _, r in pairs(responses or {}) do if r.result then result.hover = r.result.contents.value end end
  table.insert(result.steps, 'hover')
  vim.lsp.stop_client(id)
  vim.wait(3000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
  finish(nil)
end)
if not ok then finish(tostring(err)) end
