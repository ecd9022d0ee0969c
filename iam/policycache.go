package iam

import "sync"

// PolicyCache lets Services share the policies they parse. A study builds
// a world for every replication and puts the same documents into each
// (a user's inline policy, a role's trust policy): parsing them again is
// most of what setting up the principals costs. A parsed Policy is
// immutable, so Services may share one; the checks particular to each
// use (identity, trust, size quotas) still run on every put. A cache is
// safe for concurrent use by Services in different goroutines, and holds
// at most maxCachedPolicies documents (later ones are parsed each time).
type PolicyCache struct {
	mu sync.Mutex
	m  map[string]cachedPolicy
}

// cachedPolicy is a parsed document and its Size, which the quota checks
// of every put read: measuring it prints the policy.
type cachedPolicy struct {
	p    *Policy
	size int
}

// maxCachedPolicies bounds a cache: a scenario puts a handful of
// documents, and one that makes them up as it goes should not grow it
// without end.
const maxCachedPolicies = 256

// NewPolicyCache returns an empty cache.
func NewPolicyCache() *PolicyCache { return &PolicyCache{m: map[string]cachedPolicy{}} }

// parse is ParsePolicy through the cache (a nil cache parses), with the
// policy's Size. Only documents that parse are kept: an error is reported
// as ParsePolicy reports it, every time.
func (c *PolicyCache) parse(doc string) (*Policy, int, error) {
	if c == nil {
		p, err := ParsePolicy(doc)
		if err != nil {
			return nil, 0, err
		}
		return p, p.Size(), nil
	}
	c.mu.Lock()
	e, ok := c.m[doc]
	c.mu.Unlock()
	if ok {
		return e.p, e.size, nil
	}
	p, err := ParsePolicy(doc)
	if err != nil {
		return nil, 0, err
	}
	e = cachedPolicy{p, p.Size()}
	c.mu.Lock()
	if len(c.m) < maxCachedPolicies {
		c.m[doc] = e
	}
	c.mu.Unlock()
	return e.p, e.size, nil
}

// SharePolicies makes s parse the identity, trust and session policy
// documents put into it through c (nil: parse each one).
func (s *Service) SharePolicies(c *PolicyCache) { s.policies = c }
