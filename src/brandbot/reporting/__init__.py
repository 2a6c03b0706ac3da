"""How the brand is doing: figures over the recorded history of requests, drafts and decisions.

`history` reads a period from the store, `figures` works the numbers out (plain functions),
`display` words them for people, and `chart` and `page` draw them (PNG, HTML).
"""
