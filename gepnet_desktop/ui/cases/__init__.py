"""The case list: its lazy model over the store's queries, the filters and the table view."""
