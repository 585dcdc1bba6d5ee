-- Headless Neovim (0.7+) as a real LSP client of `lpg lsp --stdio`:
--   nvim --headless -u NONE -i NONE -n -c 'luafile run.lua'
-- Environment: LPG_CMD (JSON array: the server command; unset: the init file attaches the client), LPG_FILE (file to open), LPG_ROOT (workspace),
-- LPG_ACTION ("title:<prefix>" for a quick fix, "kind:<kind>" for e.g. source.fixAll.lpg), LPG_OUT (result JSON).
-- Steps: open the file, start and attach the client, wait for a diagnostic, request the code actions
-- the way `vim.lsp.buf.code_action()` does (line diagnostics as context), apply the chosen action's
-- workspace edit, wait for the diagnostics to follow, write the buffer, report.
local out = os.getenv('LPG_OUT')
local result = { steps = {} }

local function finish(err)
  result.error = err
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  local cmd_json = os.getenv('LPG_CMD')
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LPG_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  local id
  if cmd_json and cmd_json ~= '' then
    id = vim.lsp.start_client({
      name = 'lpg',
      cmd = vim.fn.json_decode(cmd_json),
      root_dir = os.getenv('LPG_ROOT'),
      settings = { lpg = { debounceMs = 50 } },
    })
    if not id then return finish('start_client failed') end
    vim.lsp.buf_attach_client(bufnr, id)
  else
    -- No LPG_CMD: the init file (the README's snippet) starts and attaches the client when the file is read.
    if not vim.wait(10000, function() return next(vim.lsp.buf_get_clients(bufnr)) ~= nil end, 50) then
      return finish('the init file attached no client')
    end
    for cid, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
      id = cid
      result.client = { name = c.name, cmd = c.config.cmd, root_dir = c.config.root_dir }
    end
  end
  table.insert(result.steps, 'attached')

  if not vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50) then
    return finish('no diagnostics within 30 s')
  end
  local diags = vim.diagnostic.get(bufnr)
  result.diagnostics = {}
  for _, d in ipairs(diags) do
    table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, severity = d.severity, message = d.message, source = d.source, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) })
  end
  table.insert(result.steps, 'diagnostics')

  -- the code action request, as vim.lsp.buf.code_action() builds it on the diagnostic's line
  local first = diags[1]
  vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col })
  local action = os.getenv('LPG_ACTION')
  local context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr) }
  if action:sub(1, 5) == 'kind:' then context.only = { action:sub(6) } end
  local params = vim.lsp.util.make_range_params()
  params.context = context
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 15000)
  if not responses then return finish('no code action response') end
  local chosen
  result.actions = {}
  for _, r in pairs(responses) do
    for _, a in ipairs(r.result or {}) do
      table.insert(result.actions, { title = a.title, kind = a.kind, isPreferred = a.isPreferred })
      local match = (action:sub(1, 6) == 'title:' and vim.startswith(a.title, action:sub(7))) or (action:sub(1, 5) == 'kind:' and a.kind == action:sub(6))
      if match and not chosen then chosen = a end
    end
  end
  if not chosen then return finish('no code action matching ' .. action) end
  vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
  table.insert(result.steps, 'applied')

  -- the server sees the edit as incremental changes and republishes
  local before = #diags
  if not vim.wait(30000, function() return #vim.diagnostic.get(bufnr) < before end, 50) then
    return finish('diagnostics did not follow the edit')
  end
  result.after = #vim.diagnostic.get(bufnr)
  vim.cmd('write')
  table.insert(result.steps, 'written')
  vim.lsp.stop_client(id)
  vim.wait(3000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
  finish(nil)
end)
if not ok then finish(tostring(err)) end
