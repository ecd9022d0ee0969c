package vpc

import (
	"net/netip"
	"slices"
)

// rebuild recomputes the table's longest-prefix-match index. Among routes
// with the same destination block, a static CIDR route wins over a route
// to a prefix list
// (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html).
func (s *Service) rebuild(t *rtbRec) {
	t.dirty = false
	t.byIdx = slices.Grow(t.byIdx[:0], len(t.routes))
	es := make([]lpmEntry, 0, len(t.routes))
	pls := false
	for _, r := range t.routes {
		if r.pl == "" {
			es = append(es, lpmEntry{p: r.dst, val: int32(len(t.byIdx))})
			t.byIdx = append(t.byIdx, r)
		} else {
			pls = true
		}
	}
	if !pls {
		t.table.build(es)
		return
	}
	// A prefix list's blocks come after the static routes and skip the
	// blocks those (or an earlier list) already cover.
	seen := make(map[netip.Prefix]bool, len(es))
	for _, e := range es {
		seen[e.p] = true
	}
	for _, r := range t.routes {
		if r.pl == "" {
			continue
		}
		pl := s.plByID()[r.pl]
		if pl == nil {
			continue
		}
		i := int32(len(t.byIdx))
		t.byIdx = append(t.byIdx, r)
		for _, c := range pl.cidrs {
			if !seen[c] {
				seen[c] = true
				es = append(es, lpmEntry{p: c, val: i})
			}
		}
	}
	t.table.build(es)
}

// lookup returns the route the table uses for dst, or nil.
func (s *Service) lookup(t *rtbRec, dst netip.Addr) *route {
	if t.dirty {
		s.rebuild(t)
	}
	if !dst.Is4() {
		return nil
	}
	i := t.table.lookup(addrU32(dst))
	if i < 0 {
		return nil
	}
	return t.byIdx[i]
}

// routeState reports "active" or "blackhole": a route whose target is gone
// or detached is a blackhole
// (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html).
func (s *Service) routeState(t *rtbRec, r *route) string {
	ok := true
	switch r.kind {
	case tIGW:
		g := s.igws.get(r.target)
		ok = g != nil && g.vpc == t.vpc
	case tNAT:
		n := s.nats[r.target]
		ok = n != nil && n.state == "available"
	case tVPCE:
		ok = s.endpoints[r.target] != nil
	case tPeering:
		p := s.peerings[r.target]
		ok = p != nil && p.status == "active"
	case tENI:
		e := s.enis[r.target]
		ok = e != nil && e.instance() != ""
	}
	if ok {
		return "active"
	}
	return "blackhole"
}
