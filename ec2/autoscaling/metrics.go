package autoscaling

import (
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

type cpuSeries struct{} // reserved: per-instance CPU history

// metricWindow is CloudWatch's basic period for the group's metrics.
const metricWindow = time.Minute

// sample closes each in-service instance's CPU window: the vCPU-seconds
// its handlers did (serve.Service.Work) over the window, per vCPU; and
// appends the group's average to its series.
func (g *group) sample(now sim.Time) {
	var sum float64
	k := 0
	for _, m := range g.members {
		if m.lifecycle != "InService" || now-m.sampleAt < sim.Time(metricWindow) {
			if m.hasUtil {
				sum += m.util
				k++
			}
			continue
		}
		cpu := g.s.elb.Servers().CPUSeconds(m.m.ID())
		dt := time.Duration(now - m.sampleAt).Seconds()
		m.util = 100 * (cpu - m.sampleCPU) / (dt * float64(m.m.Type().VCPUs))
		m.sampleCPU, m.sampleAt, m.hasUtil = cpu, now, true
		sum += m.util
		k++
	}
	if k > 0 && (len(g.cpuSeries) == 0 || now-g.cpuSeries[len(g.cpuSeries)-1].At >= sim.Time(metricWindow)) {
		g.cpuSeries = append(g.cpuSeries, Point{At: now, Value: sum / float64(k)})
	}
}

// CPUUtilization returns a group's average CPU utilization (percent) as
// a time series, one point a minute: the metric target tracking reads.
func (s *Service) CPUUtilization(account, regionCode, name string) []Point {
	g := s.groups[groupKey(account, regionCode, name)]
	if g == nil {
		return nil
	}
	return append([]Point(nil), g.cpuSeries...)
}

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
			avgCPU += m.util
		}
	}
	if inService > 0 {
		avgCPU /= float64(inService)
	}
	return inService, avgCPU, g.desired
}
