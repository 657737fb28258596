"""The Timeline tab: a case's lines of therapy and dated events over calendar time."""
