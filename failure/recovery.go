package failure

import (
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// Recovery measures how a workload lives through faults: when each
// incident started, when the workload noticed (time to detect), when it
// was serving again (time to recover), its availability over any window,
// and the work and data it lost.
//
// The workload reports what it sees: Down and Up when its service stops
// and resumes, Detect when its monitoring notices trouble, LoseWork and
// LoseData as they happen. Watch ties incidents to the faults of a
// Harness so that an incident starts when the fault does, not when the
// workload first notices.
type Recovery struct {
	env       *sim.Env
	name      string
	up        *sim.Gauge
	incidents []Incident
	losses    []loss // in time order, so Report can window them
}

// loss is one LoseWork or LoseData call.
type loss struct {
	at   sim.Time
	work time.Duration
	data int64
}

// Incident is one stretch from a fault (or an outage, if no fault was
// seen) to recovery. Detected and Recovered are sim.MaxTime until they
// happen.
type Incident struct {
	Cause     string
	Start     sim.Time
	Detected  sim.Time
	Recovered sim.Time
}

// TimeToDetect is Detected-Start, or false if not detected.
func (i Incident) TimeToDetect() (time.Duration, bool) {
	if i.Detected == sim.MaxTime {
		return 0, false
	}
	return i.Detected.Sub(i.Start), true
}

// TimeToRecover is Recovered-Start, or false if not recovered.
func (i Incident) TimeToRecover() (time.Duration, bool) {
	if i.Recovered == sim.MaxTime {
		return 0, false
	}
	return i.Recovered.Sub(i.Start), true
}

// NewRecovery starts measuring a workload that is up now.
func NewRecovery(env *sim.Env, name string) *Recovery {
	// Availability is asked over any window after the run, so the up
	// gauge keeps its history (two entries per incident).
	return &Recovery{env: env, name: name, up: env.NewGauge(name+".up", 1, sim.KeepHistory())}
}

func (r *Recovery) open() *Incident {
	if n := len(r.incidents); n > 0 && r.incidents[n-1].Recovered == sim.MaxTime {
		return &r.incidents[n-1]
	}
	return nil
}

// Fault records that a fault hit the workload now. It opens an incident
// unless one is already open (a second fault during an incident belongs
// to it).
func (r *Recovery) Fault(cause string) {
	if r.open() != nil {
		return
	}
	now := r.env.Now()
	r.incidents = append(r.incidents, Incident{Cause: cause, Start: now, Detected: sim.MaxTime, Recovered: sim.MaxTime})
	r.env.Emit(r.name, "incident.start", sim.F("cause", cause))
}

// Watch opens an incident whenever h applies a fault accepted by filter
// (nil accepts all).
func (r *Recovery) Watch(h *Harness, filter func(Window) bool) {
	h.OnChange(func(c Change) {
		if c.Applied && (filter == nil || filter(c.Window)) {
			r.Fault(c.Fault)
		}
	})
}

// Detect records that the workload noticed the open incident (the first
// call per incident counts). With no open incident it opens one now.
func (r *Recovery) Detect() {
	in := r.open()
	if in == nil {
		r.Fault("detected")
		in = r.open()
	}
	if in.Detected == sim.MaxTime {
		in.Detected = r.env.Now()
		r.env.Emit(r.name, "incident.detect")
	}
}

// Down records that the workload stopped serving. It opens an incident if
// none is open.
func (r *Recovery) Down() {
	if r.open() == nil {
		r.Fault("down")
	}
	r.up.Set(0)
}

// Up records that the workload serves again, closing the open incident.
// An undetected incident counts as detected at recovery.
func (r *Recovery) Up() {
	r.up.Set(1)
	if in := r.open(); in != nil {
		now := r.env.Now()
		if in.Detected == sim.MaxTime {
			in.Detected = now
		}
		in.Recovered = now
		r.env.Emit(r.name, "incident.recover", sim.F("ttr", in.Recovered.Sub(in.Start)))
	}
}

// IsUp reports whether the workload is serving.
func (r *Recovery) IsUp() bool { return r.up.Value() == 1 }

// LoseWork records that work d was lost now (computation redone after a
// crash).
func (r *Recovery) LoseWork(d time.Duration) {
	r.losses = append(r.losses, loss{at: r.env.Now(), work: d})
}

// LoseData records that n bytes (or objects; the unit is the caller's)
// were lost now.
func (r *Recovery) LoseData(n int64) {
	r.losses = append(r.losses, loss{at: r.env.Now(), data: n})
}

// Incidents returns the incidents so far.
func (r *Recovery) Incidents() []Incident { return r.incidents }

// Availability is the fraction of [from, to] the workload was up.
func (r *Recovery) Availability(from, to sim.Time) float64 { return r.up.MeanOver(from, to) }

// Report summarises the incidents and losses over [from, to].
type Report struct {
	Incidents         int
	Unrecovered       int
	MeanTimeToDetect  time.Duration
	MaxTimeToDetect   time.Duration
	MeanTimeToRecover time.Duration
	MaxTimeToRecover  time.Duration
	Availability      float64
	WorkLost          time.Duration
	DataLost          int64
}

// Report summarises incidents that started in [from, to], and the work
// and data lost in [from, to]; unrecovered incidents count in Unrecovered
// and not in the recovery times.
func (r *Recovery) Report(from, to sim.Time) Report {
	rep := Report{Availability: r.Availability(from, to)}
	for _, l := range r.losses {
		if l.at >= from && l.at <= to {
			rep.WorkLost += l.work
			rep.DataLost += l.data
		}
	}
	var ttd, ttr time.Duration
	var nd, nr int
	for _, in := range r.incidents {
		if in.Start < from || in.Start > to {
			continue
		}
		rep.Incidents++
		if d, ok := in.TimeToDetect(); ok {
			ttd += d
			nd++
			rep.MaxTimeToDetect = max(rep.MaxTimeToDetect, d)
		}
		if d, ok := in.TimeToRecover(); ok {
			ttr += d
			nr++
			rep.MaxTimeToRecover = max(rep.MaxTimeToRecover, d)
		} else {
			rep.Unrecovered++
		}
	}
	if nd > 0 {
		rep.MeanTimeToDetect = ttd / time.Duration(nd)
	}
	if nr > 0 {
		rep.MeanTimeToRecover = ttr / time.Duration(nr)
	}
	return rep
}

// Metrics returns the report as named numbers (durations in seconds), the
// shape a study.Result takes.
func (rep Report) Metrics() map[string]float64 {
	return map[string]float64{
		"incidents":    float64(rep.Incidents),
		"unrecovered":  float64(rep.Unrecovered),
		"mean_ttd_s":   rep.MeanTimeToDetect.Seconds(),
		"max_ttd_s":    rep.MaxTimeToDetect.Seconds(),
		"mean_ttr_s":   rep.MeanTimeToRecover.Seconds(),
		"max_ttr_s":    rep.MaxTimeToRecover.Seconds(),
		"availability": rep.Availability,
		"work_lost_s":  rep.WorkLost.Seconds(),
		"data_lost":    float64(rep.DataLost),
	}
}

func (rep Report) String() string {
	return fmt.Sprintf("incidents=%d unrecovered=%d ttd(mean=%v max=%v) ttr(mean=%v max=%v) availability=%.6f work_lost=%v data_lost=%d",
		rep.Incidents, rep.Unrecovered, rep.MeanTimeToDetect, rep.MaxTimeToDetect,
		rep.MeanTimeToRecover, rep.MaxTimeToRecover, rep.Availability, rep.WorkLost, rep.DataLost)
}
