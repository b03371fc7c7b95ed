"""Published rules (DESIGN.md §7c): a call's division rules as one canonical, versioned document with its
SHA-256 and a public page; frozen once the call's window opens (Awb 4:26, 4:27); and the points preview
that computes a municipality's need and bonus points with the assessment's own functions."""
