"""The commented `config.toml` written on the first run.

Every setting is commented out and shows its default, so the file changes
nothing until the user edits it; `save_setting` uncomments a setting's line
when it first writes that setting. A test checks that every scalar in
`scalars.SCALARS` and every environment variable appears here.
"""

from __future__ import annotations

from grok_tui.api.endpoint import DEFAULT_BASE_URL
from grok_tui.config.schema import (
    DEFAULT_API,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEMO_RATE,
    DEFAULT_HISTORY_SIZE,
    DEFAULT_MODEL,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_SHOW_TOOL_LOG,
    DEFAULT_THEME,
    DEFAULT_WRITE_TIMEOUT,
)

CONFIG_TEMPLATE = f"""\
# grok-tui configuration.
#
# Every setting below is commented out and shows its default. Remove the "#"
# to change one. Precedence: command-line flags > environment variables
# (GROK_TUI_MODEL, GROK_TUI_BASE_URL, GROK_TUI_API, GROK_TUI_THEME,
# GROK_TUI_CONNECT_TIMEOUT, GROK_TUI_READ_TIMEOUT, GROK_TUI_WRITE_TIMEOUT,
# GROK_TUI_SHOW_TOOL_LOG, GROK_TUI_DEMO_RATE) > this file > defaults.
# `grok-tui config` prints every setting in force and where it came from.

# The API key. Prefer the XAI_API_KEY environment variable (or a .env file in
# the working folder). If you store it here, this file is kept at mode 0600.
# api_key = "xai-..."

# model = "{DEFAULT_MODEL}"

# API root including /v1 (any OpenAI-compatible server works with api = "chat").
# base_url = "{DEFAULT_BASE_URL}"

# "responses" (server-side web and X search) or "chat" (OpenAI-compatible).
# api = "{DEFAULT_API}"

# A theme name: a file stem from the shipped themes or from the themes/ folder
# next to this file (see docs/themes.md).
# theme = "{DEFAULT_THEME}"

# Show the tool-call log pane (F2 toggles it).
# show_tool_log = {str(DEFAULT_SHOW_TOOL_LOG).lower()}

# Speed of the offline demo backend, tokens per second.
# demo_rate = {DEFAULT_DEMO_RATE}

# Sent prompts remembered across runs for Up-arrow recall (prompt_history.jsonl
# in the data folder, mode 0600); 0 keeps none on disk.
# history_size = {DEFAULT_HISTORY_SIZE}

# Let xAI keep each response on its servers for 30 days (store: true). Off by
# default: every request says store: false, and reasoning continuity is kept by
# sending the encrypted reasoning back (kept in the session file).
# store_responses = false

# "client" sends the whole history each turn; "server" (needs store_responses)
# sends only the new message and previous_response_id.
# conversation = "client"

[timeouts]
# Seconds. Reasoning models can think for minutes before the first token.
# connect = {DEFAULT_CONNECT_TIMEOUT}
# read = {DEFAULT_READ_TIMEOUT}
# write = {DEFAULT_WRITE_TIMEOUT}

# Search settings new chats start with (Responses API tools).
[search]
# reasoning_effort = "low"      # none, low, medium, high, xhigh (where the model takes it)
# max_turns = 5                 # 1-100 agentic tool turns

[search.web]
# enabled = false
# domain_mode = "allowed"       # "allowed" or "excluded"
# domains = []                  # at most 5 bare host names, e.g. ["arxiv.org"]
# image_understanding = false
# image_search = false

[search.x]
# enabled = false
# handle_mode = "allowed"       # "allowed" or "excluded"
# handles = []                  # at most 10 X handles, e.g. ["xai"]
# from_date = "2025-01-01"      # YYYY-MM-DD
# to_date = "2025-12-31"
# image_understanding = false
# video_understanding = false

[search.tools]
# code_execution = false        # server-side code execution
# mcp = []                      # labels of [[mcp]] servers below, switched on
# collections = []              # at most 10 collection ids searched
# collection_results = 10       # results per collections search, 1-50 (default: the API's)

# Remote MCP servers the model may call (Responses API), switched on per chat in
# the tools pane or with `grok-tui ask --mcp LABEL`. One [[mcp]] table each:
# [[mcp]]
# label = "deepwiki"                      # letters, digits, - or _; unique
# url = "https://mcp.deepwiki.com/mcp"    # http(s) only
# description = "Wiki of GitHub repos"    # optional, shown in the tools pane
# allowed_tools = ["read_wiki_structure"] # optional
# token_env = "DEEPWIKI_TOKEN"            # the token in this variable, or
# token = "..."                           # in this file (then it is kept at 0600)
# headers = {{ "X-Team" = "docs" }}         # optional extra request headers

# Display names of collections (their ids are entered in the tools pane):
# [collections]
# "collection_..." = "Product docs"

# Named search presets, same fields as [search]. For example:
# [presets.news]
# web = {{ enabled = true, domains = ["reuters.com", "apnews.com"] }}
# x = {{ enabled = true }}

# Key bindings: binding id = "key" or "key1,key2" (Textual key names such as
# "ctrl+s", "f2", "alt+a", "escape"). The help screen (F1) and `grok-tui
# config` list every binding's id, keys and action. A key the prompt takes for
# itself (ctrl+a, ctrl+e, ctrl+k, ctrl+u, f6, a letter...) is reported at
# start. For example:
[keys]
# "chat.new" = "ctrl+n"
# "pane.toggle_tool_log" = "f2"
"""
