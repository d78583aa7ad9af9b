"""Pure rules with no database access: one module per rule, every surface calls it."""
