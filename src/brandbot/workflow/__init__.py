"""The drafting workflow: a LangGraph StateGraph that pauses for a human decision."""
