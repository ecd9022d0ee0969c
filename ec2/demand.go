package ec2

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// OnDemandDemand is other customers' on-demand load on one instance type
// in one zone, for the mechanistic spot model: launches arrive as a
// Poisson process and stay for an exponential lifetime. An arrival that
// finds no host reclaims spot capacity (two-minute notice) exactly as a
// user's on-demand launch does, and is itself turned away.
type OnDemandDemand struct {
	InstanceType    InstanceType
	ArrivalsPerHour float64
	MeanLifetime    time.Duration
}

// DemandStats counts a demand source's arrivals.
type DemandStats struct {
	Placed, Rejected, Departed int
}

type demand struct {
	azID   string
	d      OnDemandDemand
	it     InstanceTypeInfo
	rng    *rand.Rand
	active bool
	stats  DemandStats
}

// StartOnDemandDemand starts on-demand demand from other tenants in zone
// azID. Under the statistical model it only takes capacity; under the
// mechanistic model its arrivals reclaim spot instances when no host fits.
// Stop it with StopOnDemandDemand. Arrivals and departures are daemon
// events: other tenants never keep env.Run going (RunUntil and RunFor play
// them over a fixed horizon).
func (s *Service) StartOnDemandDemand(azID string, d OnDemandDemand) error {
	if _, err := s.w.AZ(azID); err != nil {
		return err
	}
	it, ok := catalog[d.InstanceType]
	if !ok {
		return errInvalidValue(string(d.InstanceType), "InstanceType")
	}
	if !(d.ArrivalsPerHour > 0) || math.IsInf(d.ArrivalsPerHour, 0) || d.MeanLifetime <= 0 {
		return fmt.Errorf("ec2: StartOnDemandDemand: need a positive arrival rate and lifetime, got %v/h and %v", d.ArrivalsPerHour, d.MeanLifetime)
	}
	k := azID + "/" + string(d.InstanceType)
	if old, ok := s.demands[k]; ok {
		old.active = false
	}
	dm := &demand{azID: azID, d: d, it: it, rng: s.env.Rand("ec2/demand/" + k), active: true}
	if s.demands == nil {
		s.demands = map[string]*demand{}
	}
	s.demands[k] = dm
	s.scheduleArrival(dm)
	return nil
}

// StopOnDemandDemand stops new arrivals; tenants already placed stay for
// their lifetime.
func (s *Service) StopOnDemandDemand(azID string, t InstanceType) {
	if dm, ok := s.demands[azID+"/"+string(t)]; ok {
		dm.active = false
		delete(s.demands, azID+"/"+string(t))
	}
}

// OnDemandDemandStats returns a demand source's counters.
func (s *Service) OnDemandDemandStats(azID string, t InstanceType) (DemandStats, bool) {
	dm, ok := s.demands[azID+"/"+string(t)]
	if !ok {
		return DemandStats{}, false
	}
	return dm.stats, true
}

func (s *Service) scheduleArrival(dm *demand) {
	mean := time.Duration(float64(time.Hour) / dm.d.ArrivalsPerHour)
	s.env.AfterDaemon(sim.Exp(dm.rng, mean), func() {
		if !dm.active {
			return
		}
		slot, err := s.w.Fleet().Place(dm.azID, string(dm.it.InstanceType), region.PlaceOptions{})
		if err != nil {
			dm.stats.Rejected++
			if s.opts.Spot.Model == SpotMechanistic {
				s.reclaimForOnDemand(dm.azID, dm.it)
			}
		} else {
			dm.stats.Placed++
			s.env.AfterDaemon(sim.Exp(dm.rng, dm.d.MeanLifetime), func() {
				if s.w.Fleet().Release(slot) == nil { // unless its host failed first
					dm.stats.Departed++
				}
			})
		}
		s.scheduleArrival(dm)
	})
}
