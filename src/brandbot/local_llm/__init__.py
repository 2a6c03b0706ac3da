"""Development tooling for the local LLM (its own venv, GGUF conversion, vLLM's lifecycle), kept
apart from the HTTP client the bot itself uses (`brandbot.llm`)."""
