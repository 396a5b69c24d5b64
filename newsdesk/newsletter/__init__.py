"""Newsletter editions: choose their items, render the email, check it, write it, send proofs."""
