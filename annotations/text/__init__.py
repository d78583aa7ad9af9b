"""Pure text work: sentences, figures found in text, attributions, highlight segments,
and the one place that decides what counts as markup."""
