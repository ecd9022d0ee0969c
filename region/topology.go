package region

import (
	"github.com/nimbus-sim/nimbus/failure"
)

// FailureTopology returns the failure domains of the given regions (all
// regions if none are named) for the failure package: region -> zone ->
// rack -> host. Racks are named "<zone>/<host type>/rack-<n>" and hosts by
// their IDs, so failure.DomainDown and failure.DomainFailures drive
// correlated outages straight into FailHost, FailAZ and ImpairRegion.
func (v Faults) FailureTopology(regions ...string) (*failure.Topology, error) {
	w := v.w
	rs := w.regions
	if len(regions) > 0 {
		rs = nil
		for _, code := range regions {
			r, err := w.Region(code)
			if err != nil {
				return nil, err
			}
			rs = append(rs, r)
		}
	}
	t := &failure.Topology{}
	for _, r := range rs {
		if err := t.Add(failure.Region, r.spec.Code, ""); err != nil {
			return nil, err
		}
		for _, z := range r.azs {
			if err := t.Add(failure.AZ, z.id, r.spec.Code); err != nil {
				return nil, err
			}
			for ti, p := range w.zonePools(z) {
				if p == nil {
					continue
				}
				rack := ""
				for pos, hi := range p.hosts {
					if pos%w.rackSize == 0 {
						rack = z.id + "/" + w.hostTypes[ti].Name + "/rack-" + itoa(pos/w.rackSize)
						if err := t.Add(failure.Rack, rack, z.id); err != nil {
							return nil, err
						}
					}
					if err := t.Add(failure.Host, hostID(hi), rack); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	return t, nil
}
