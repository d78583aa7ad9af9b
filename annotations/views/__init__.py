"""Views: `workspace` (reading and tagging), `claims` (claim pages), `exports` (standard
formats). Each parses input with a form, calls one service or selector, renders one
template: the whole page, or for htmx requests the partial that changed."""
