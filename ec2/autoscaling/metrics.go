package autoscaling

import "github.com/nimbus-sim/nimbus/sim"

type cpuSeries struct{} // reserved: per-instance CPU history

// Point is one reading of a metric.
type Point struct {
	At    sim.Time
	Value float64
}

// Activities returns the group's activity log (launches, terminations,
// scaling decisions), oldest first.
func (s *Service) Activities(account, regionCode, name string) []string {
	g := s.groups[groupKey(account, regionCode, name)]
	if g == nil {
		return nil
	}
	return append([]string(nil), g.activities...)
}

// GroupMetrics returns a group's current metrics: in-service instances,
// their average CPU utilization (percent) and the desired capacity.
func (s *Service) GroupMetrics(account, regionCode, name string) (inService int, avgCPU float64, desired int32) {
	g := s.groups[groupKey(account, regionCode, name)]
	if g == nil {
		return 0, 0, 0
	}
	for _, m := range g.members {
		if m.lifecycle == "InService" {
			inService++
			avgCPU += 100 * m.m.CPUUtilization()
		}
	}
	if inService > 0 {
		avgCPU /= float64(inService)
	}
	return inService, avgCPU, g.desired
}
