"""Newsletter editions: render the email of what each contains (``content.selection``),
check it, write it, send proofs."""
