//go:build invariants

package billing

// invariants enables costly self-checks (build with -tags invariants).
const invariants = true
