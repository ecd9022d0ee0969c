package ec2

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/internal/jsonw"
	"github.com/nimbus-sim/nimbus/internal/keyed"
	"github.com/nimbus-sim/nimbus/sim"
)

// AdvisorBucket is a Spot Instance Advisor interruption-frequency bucket
// (the "r" field of spot-advisor-data.json) [Spot Instance Advisor]: the share of a type's
// spot instances reclaimed over the trailing month.
type AdvisorBucket int

// The five buckets of the advisor feed [Spot Instance Advisor].
const (
	BucketUnder5 AdvisorBucket = iota // <5%
	Bucket5To10                       // 5-10%
	Bucket10To15                      // 10-15%
	Bucket15To20                      // 15-20%
	BucketOver20                      // >20%
)

// Range returns the bucket's bounds as monthly fractions. The top bucket
// has no published upper bound; 1 is returned.
func (b AdvisorBucket) Range() (lo, hi float64) {
	switch b {
	case BucketUnder5:
		return 0, 0.05
	case Bucket5To10:
		return 0.05, 0.10
	case Bucket10To15:
		return 0.10, 0.15
	case Bucket15To20:
		return 0.15, 0.20
	}
	return 0.20, 1
}

// MonthlyFraction is the fraction the statistical model targets: the
// bucket's midpoint, and 30% for ">20%" (an assumption: the feed gives no
// upper bound).
func (b AdvisorBucket) MonthlyFraction() float64 {
	if b >= BucketOver20 {
		return 0.30
	}
	lo, hi := b.Range()
	return (lo + hi) / 2
}

func (b AdvisorBucket) String() string {
	if b < BucketUnder5 || b > BucketOver20 {
		return fmt.Sprintf("AdvisorBucket(%d)", int(b))
	}
	return [...]string{"<5%", "5-10%", "10-15%", "15-20%", ">20%"}[b]
}

// HoursPerMonth is AWS pricing's month convention (730 h) [AWS pricing pages].
const HoursPerMonth = 730

// HazardPerHour converts a monthly interruption fraction f into a constant
// hazard, lambda = -ln(1-f)/730 h (derived here from [Spot Instance Advisor] buckets): a modelling
// assumption, since real reclaims are bursty.
func HazardPerHour(f float64) float64 { return -math.Log1p(-f) / HoursPerMonth }

// SpotModel selects how spot instances get reclaimed.
type SpotModel int

const (
	// SpotStatistical draws each spot instance's time to interruption from
	// a constant hazard calibrated to its advisor bucket.
	SpotStatistical SpotModel = iota
	// SpotMechanistic reclaims spot instances only when on-demand demand
	// needs their host slots (and when ReclaimSpot is called).
	SpotMechanistic
)

// SpotOptions configure the spot market.
type SpotOptions struct {
	Model SpotModel
	// Buckets gives the advisor bucket per instance type; types not listed
	// use DefaultBucket. The defaults follow the [Spot Instance Advisor]'s us-east-1
	// values (m5.large 15-20%, c5.large <5%, p3.2xlarge >20%).
	Buckets       map[InstanceType]AdvisorBucket
	DefaultBucket AdvisorBucket
	// Savings is the spot discount off on-demand (0.65 = the advisor feed's
	// median saving [Spot Instance Advisor]) around which each pool's price wanders.
	Savings float64
	// PriceStep is how often a pool's price moves, and PriceVolatility the
	// standard deviation of its log change per step. Post-2017 prices move
	// slowly (days to weeks) [Spot interruptions guide; Spot pricing blog].
	PriceStep       time.Duration
	PriceVolatility float64
	// RebalanceProbability is the chance that a rebalance recommendation
	// precedes an interruption notice, RebalanceLead its mean lead time
	// (exponential). AWS gives no figures: both are assumptions.
	RebalanceProbability float64
	RebalanceLead        time.Duration
}

// DefaultSpotOptions are the defaults of New.
func DefaultSpotOptions() SpotOptions {
	return SpotOptions{
		Model: SpotStatistical,
		Buckets: map[InstanceType]AdvisorBucket{
			"m5.large": Bucket15To20, "c5.large": BucketUnder5, "p3.2xlarge": BucketOver20,
		},
		DefaultBucket:        Bucket5To10, // the feed's global rate is "<10%" [Spot Instance Advisor]
		Savings:              0.65,
		PriceStep:            24 * time.Hour,
		PriceVolatility:      0.03,
		RebalanceProbability: 0.5,
		RebalanceLead:        10 * time.Minute,
	}
}

// NoticeLead is the two minutes between the interruption notice and the
// interruption [Spot interruptions guide].
const NoticeLead = 2 * time.Minute

type poolKey struct {
	azID  string
	itype InstanceType
}

// spotPool is the spot capacity pool of one (instance type, AZ): its price
// path and its running spot instances.
type spotPool struct {
	key      poolKey
	od       int64 // on-demand micro-USD/h in the pool's region
	bucket   AdvisorBucket
	prices   []pricePoint
	rng      randSource
	machines []*Machine
	// streams are the zone's "ec2/spot/<az>/..." streams, looked up at
	// their first use: every launch into the pool draws from two of them,
	// and naming one costs a string.
	streams poolStreams
}

// poolStreams are the streams a pool's zone draws its interruptions,
// rebalance recommendations and reclaims from (nil until first used).
type poolStreams struct {
	interruptions, rebalance, reclaim *rand.Rand
}

// stream returns *r, the zone's stream "ec2/spot/<az>/<kind>", looking it
// up the first time.
func (p *spotPool) stream(s *Service, r **rand.Rand, kind string) *rand.Rand {
	if *r == nil {
		*r = s.env.Rand("ec2/spot/" + p.key.azID + "/" + kind)
	}
	return *r
}

type pricePoint struct {
	at       sim.Time
	microUSD int64
}

type randSource interface{ NormFloat64() float64 }

// poolSet is a world's spot pools. A workload uses one to three of them,
// for which a map's first group (336 bytes) was most of the cost: they
// are a keyed.List, with room for two in the set itself; it indexes them
// in a map past keyed.ScanMax (DescribeSpotPriceHistory makes a pool for
// every type in every zone).
type poolSet struct {
	keyed.List[poolKey, *spotPool]
	room [2]*spotPool
}

// Key is the pool's key in its poolSet.
func (p *spotPool) Key() poolKey { return p.key }

// find returns the pool with key k (a nil set has none).
func (ps *poolSet) find(k poolKey) (*spotPool, bool) {
	if ps == nil {
		return nil, false
	}
	return ps.Find(k)
}

// all returns the pools in creation order (nil for a nil set).
func (ps *poolSet) all() []*spotPool {
	if ps == nil {
		return nil
	}
	return ps.All()
}

func (ps *poolSet) add(p *spotPool) {
	ps.Room(ps.room[:])
	ps.Add(p)
}

func (s *Service) pool(azID, region string, it InstanceTypeInfo) *spotPool {
	k := poolKey{azID, it.InstanceType}
	if p, ok := s.pools.find(k); ok {
		return p
	}
	od := s.onDemandMicro(region, &it)
	b, ok := s.opts.Spot.Buckets[it.InstanceType]
	if !ok {
		b = s.opts.Spot.DefaultBucket
	}
	p := &spotPool{key: k, od: od, bucket: b, rng: s.env.Rand("ec2/spot/" + azID + "/" + string(it.InstanceType) + "/price")}
	p.prices = []pricePoint{{0, int64(math.Round(float64(od) * (1 - s.opts.Spot.Savings)))}}
	if s.pools == nil {
		s.pools = &poolSet{}
	}
	s.pools.add(p)
	return p
}

// priceAt returns the pool's spot price at t, extending the price path
// lazily (no events are scheduled, so an idle market never keeps Run
// going). The path is a bounded geometric random walk stepped every
// PriceStep, kept between 10% and 100% of on-demand.
func (s *Service) priceAt(p *spotPool, t sim.Time) int64 {
	step := sim.Time(s.opts.Spot.PriceStep)
	for last := p.prices[len(p.prices)-1]; last.at+step <= t && step > 0; last = p.prices[len(p.prices)-1] {
		v := float64(last.microUSD) * math.Exp(s.opts.Spot.PriceVolatility*p.rng.NormFloat64())
		v = math.Max(0.1*float64(p.od), math.Min(float64(p.od), v))
		p.prices = append(p.prices, pricePoint{last.at + step, int64(math.Round(v))})
	}
	i := sort.Search(len(p.prices), func(i int) bool { return p.prices[i].at > t }) - 1
	return p.prices[max(i, 0)].microUSD
}

// onDemandMicro is the on-demand price per hour of type it in region from the
// ledger's catalog, in micro-dollars: the unit the spot price path moves
// in (every catalog price has at most six decimals). It is 0 when the
// catalog cannot price t; canPrice refuses such launches first.
func (s *Service) onDemandMicro(region string, it *InstanceTypeInfo) int64 {
	// The ledger's catalog never changes, so the answer is kept per type
	// and region (usageTypes' entry): a spot launch asks for it each time.
	tu := s.usageTypes(it)
	for _, rp := range tu.onDemand {
		if rp.region == region {
			return rp.microUSD
		}
	}
	var micro int64
	if rt, err := s.ledger.Catalog().Lookup(region, tu.box); err == nil {
		const per = int64(billing.PriceDollar) / 1_000_000
		micro = (int64(rt.UnitPrice()) + per/2) / per
	}
	tu.onDemand = append(tu.onDemand, regionPrice{region, micro})
	return micro
}

// SpotPrice returns the current spot price per hour of a type in a zone
// (DescribeSpotPriceHistory's latest entry).
func (s *Service) SpotPrice(azID string, t InstanceType) (billing.Money, error) {
	it, ok := catalog[t]
	if !ok {
		return 0, errInvalidValue(string(t), "InstanceType")
	}
	z, err := s.w.AZ(azID)
	if err != nil {
		return 0, err
	}
	return billing.Money(s.priceAt(s.pool(azID, z.Region().Code(), it), s.env.Now())) * billing.MicroUSD, nil
}

func (p *spotPool) add(m *Machine) { p.machines = append(p.machines, m) }

func (p *spotPool) remove(m *Machine) {
	for i, x := range p.machines {
		if x == m {
			p.machines = append(p.machines[:i], p.machines[i+1:]...)
			return
		}
	}
}

// spotState is a spot instance's market state.
type spotState struct {
	requestID string
	maxPrice  int64 // micro-USD/h
	behavior  InstanceInterruptionBehavior
	reqType   SpotInstanceType
	pool      *spotPool

	action *SpotInstanceAction // nil until the notice
	// actionBody is action as spot/instance-action serves it, rendered
	// once at the notice: a process polls it every few seconds.
	actionBody string
	// noticeEv and rebalEv are the current run's events. The rebalance
	// recommendation is issued when rebalEv has triggered, and its time
	// is rebalEv's value (a field for it would cost an allocation per
	// recommendation).
	noticeEv *sim.Event
	rebalEv  *sim.Event
	timers   [3]sim.Timer // rebalance, notice, interruption
	priceTm  sim.Timer
	// armed is set at the first run's start: until then the events are
	// the ones the launch made, which no run has used.
	armed bool
}

// rebalanceAt returns the time of the current run's rebalance
// recommendation, and false until it is issued.
func (st *spotState) rebalanceAt() (time.Time, bool) {
	if !st.rebalEv.Triggered() {
		return time.Time{}, false
	}
	return st.rebalEv.Value().(RebalanceRecommendation).NoticeTime, true
}

func (st *spotState) disarm() {
	for _, t := range st.timers {
		t.Stop()
	}
}

// SpotInstanceAction is the body of the metadata item spot/instance-action
// [Spot interruptions guide]: {"action": "terminate", "time": "2017-09-18T08:22:00Z"}.
type SpotInstanceAction struct {
	Action string    `json:"action"`
	Time   time.Time `json:"time"`
}

// RebalanceRecommendation is the body of
// events/recommendations/rebalance: {"noticeTime": "..."}.
type RebalanceRecommendation struct {
	NoticeTime time.Time `json:"noticeTime"`
}

// json renders the action as spot/instance-action serves it: the bytes
// json.Marshal makes of {"action", "time"} with the time as
// "2006-01-02T15:04:05Z". It appends them in a stack buffer, so that the
// body is its only allocation: encoding/json's reflection cost ~4,900
// instructions and four allocations per notice
// (TestSpotInstanceActionJSONIsMarshal holds the bytes to json.Marshal's).
func (a SpotInstanceAction) json() string {
	var buf [80]byte
	b := append(buf[:0], `{"action":`...)
	b = jsonw.Append(b, a.Action)
	b = append(b, `,"time":`...)
	var ts [40]byte
	b = jsonw.Append(b, a.Time.UTC().AppendFormat(ts[:0], "2006-01-02T15:04:05Z"))
	b = append(b, '}')
	return string(b)
}

// armSpot schedules a running spot instance's interruption under the
// statistical model (and a price-driven one if its max price is below the
// price path), and registers it in its pool.
func (s *Service) armSpot(m *Machine) {
	st := m.spot
	st.action, st.actionBody = nil, ""
	// Each run has its own events: a process still waiting on a past
	// run's must not see this one's notice. The first run takes the
	// events the launch made (a pending instance's InterruptionNotice)
	// rather than two more: nothing can have triggered them.
	if st.armed {
		st.noticeEv = s.env.NewEvent(m.id + "/spot-notice")
		st.rebalEv = s.env.NewEvent(m.id + "/rebalance")
	}
	st.armed = true
	if !containsMachine(st.pool.machines, m) {
		st.pool.add(m)
	}
	now := s.env.Now()
	noticeAt := sim.MaxTime
	if s.opts.Spot.Model == SpotStatistical {
		lambda := HazardPerHour(st.pool.bucket.MonthlyFraction())
		r := st.pool.stream(s, &st.pool.streams.interruptions, "interruptions")
		noticeAt = now.Add(time.Duration(r.ExpFloat64() / lambda * float64(time.Hour)))
	}
	// Price above max price is also a reason [Spot interruptions guide]: find the first step of
	// the price path (up to the statistical notice) that exceeds it.
	if st.maxPrice < st.pool.od {
		step := sim.Time(s.opts.Spot.PriceStep)
		horizon := min(noticeAt, now.Add(HoursPerMonth*time.Hour))
		t := now
		for step > 0 && t <= horizon {
			if s.priceAt(st.pool, t) > st.maxPrice {
				noticeAt = t
				break
			}
			t = (t/step + 1) * step // the next price step
		}
	}
	if noticeAt == sim.MaxTime || noticeAt < 0 {
		return
	}
	s.scheduleNotice(m, noticeAt)
}

func containsMachine(ms []*Machine, m *Machine) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// scheduleNotice arranges the rebalance recommendation (maybe), the
// two-minute notice at noticeAt, and the interruption. All three are daemon
// timers: a reclaim is the market's doing, drawn days ahead under the
// statistical model, and must not keep env.Run going after the user's work
// is done. The interruption two minutes after the notice stays daemon too,
// so that when Run returns does not depend on whether a notice happened to
// land in the workload's last two minutes; a workload still running then
// (sleeping, working, polling) sees the interruption as before.
func (s *Service) scheduleNotice(m *Machine, noticeAt sim.Time) {
	st := m.spot
	st.disarm()
	now := s.env.Now()
	r := st.pool.stream(s, &st.pool.streams.rebalance, "rebalance")
	if r.Float64() < s.opts.Spot.RebalanceProbability {
		at := noticeAt
		if lead := s.opts.Spot.RebalanceLead; lead > 0 { // sim.Exp needs a positive mean
			at = noticeAt.Add(-sim.Exp(r, lead))
		}
		st.timers[0] = s.env.AtDaemon(max(at, now), func() { s.recommendRebalance(m) })
	}
	st.timers[1] = s.env.AtDaemon(noticeAt, func() { s.issueNotice(m) })
}

func (s *Service) recommendRebalance(m *Machine) {
	st := m.spot
	if st.rebalEv.Triggered() {
		return
	}
	t := s.env.NowTime()
	if s.env.Tracing() {
		s.env.Emit(m.id, "ec2.spot.rebalance")
	}
	st.rebalEv.Trigger(RebalanceRecommendation{NoticeTime: t})
	s.publishRebalance(m)
}

// issueNotice posts the instance-action and schedules the interruption two
// minutes later (at once for hibernate, which gets no lead [Spot interruptions guide]).
func (s *Service) issueNotice(m *Machine) {
	st := m.spot
	if st.action != nil || m.state != InstanceStateRunning {
		return
	}
	if !st.rebalEv.Triggered() && st.timers[0].Pending() {
		st.timers[0].Stop()
		s.recommendRebalance(m) // it may arrive together with the notice
	}
	lead := NoticeLead
	if st.behavior == InterruptionHibernate {
		lead = 0
	}
	at := s.env.Now().Add(lead)
	st.action = &SpotInstanceAction{Action: string(st.behavior), Time: s.env.TimeOf(at)}
	st.actionBody = st.action.json()
	if s.env.Tracing() {
		s.env.Emit(m.id, "ec2.spot.notice", sim.F("action", st.action.Action), sim.F("at", at))
	}
	st.noticeEv.Trigger(*st.action)
	s.publishSpotWarning(m, st.action.Action)
	st.timers[2] = s.env.AtDaemon(at, func() { s.interrupt(m) }) // daemon: see scheduleNotice
}

// interrupt carries out the interruption behaviour.
func (s *Service) interrupt(m *Machine) {
	if m.state != InstanceStateRunning {
		return
	}
	switch m.spot.behavior {
	case InterruptionHibernate:
		s.hibernate(m, "spot-interruption", &reasonSpotStop, true)
	case InterruptionStop:
		s.stop(m, "spot-interruption", &reasonSpotStop, true)
	default:
		s.terminate(m, "spot-interruption", &reasonSpotTerminate, true)
	}
}

// InterruptionNotice returns an event that triggers (with a
// SpotInstanceAction value) when the current run of this spot instance
// gets its interruption notice; nil for on-demand instances. Processes can
// WaitAny on it alongside their work, instead of polling the metadata
// service every 5 s as AWS suggests.
func (m *Machine) InterruptionNotice() *sim.Event {
	if m.spot == nil {
		return nil
	}
	return m.spot.noticeEv
}

// RebalanceRecommendation returns an event that triggers when the current
// run gets a rebalance recommendation; nil for on-demand instances.
func (m *Machine) RebalanceRecommendation() *sim.Event {
	if m.spot == nil {
		return nil
	}
	return m.spot.rebalEv
}

// ReclaimSpot reclaims a fraction of the running spot instances of a type
// in a zone: each chosen instance gets its two-minute notice now. It
// implements failure.SpotTarget. The chosen instances are a uniform sample
// (stream "ec2/spot/<az>/reclaim"); the count is fraction x n rounded up.
func (s *Service) ReclaimSpot(azID, instanceType string, fraction float64) error {
	if !(fraction > 0 && fraction <= 1) {
		return fmt.Errorf("ec2: ReclaimSpot: fraction %v must be in (0, 1]", fraction)
	}
	if _, err := s.w.AZ(azID); err != nil {
		return err
	}
	if _, ok := catalog[InstanceType(instanceType)]; !ok {
		return errInvalidValue(instanceType, "InstanceType")
	}
	p, ok := s.pools.find(poolKey{azID, InstanceType(instanceType)})
	if !ok {
		return nil
	}
	var cands []*Machine
	for _, m := range p.machines {
		if m.state == InstanceStateRunning && m.spot.action == nil {
			cands = append(cands, m)
		}
	}
	n := int(math.Ceil(fraction*float64(len(cands)) - 1e-9))
	r := p.stream(s, &p.streams.reclaim, "reclaim")
	r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	for _, m := range cands[:n] {
		m.spot.disarm()
		s.issueNotice(m)
	}
	return nil
}

// reclaimForOnDemand is the mechanistic model's trigger: an on-demand
// launch of it in zone azID found no host, so EC2 reclaims spot capacity
// of the same family there. It picks the host where the fewest running
// spot instances (largest first) must go for the launch to fit, and gives
// them their two-minute notice; the launch itself still fails now and can
// succeed once they are gone.
func (s *Service) reclaimForOnDemand(azID string, it InstanceTypeInfo) {
	byHost := map[string][]*Machine{}
	var hosts []string
	for _, p := range s.pools.all() {
		if p.key.azID != azID {
			continue
		}
		for _, m := range p.machines {
			if m.state != InstanceStateRunning || m.itype.Family != it.Family || m.hostID == "" {
				continue
			}
			if _, ok := byHost[m.hostID]; !ok {
				hosts = append(hosts, m.hostID)
			}
			byHost[m.hostID] = append(byHost[m.hostID], m)
		}
	}
	sort.Strings(hosts)
	var best []*Machine
	for _, h := range hosts {
		info, err := s.w.Fleet().Host(h)
		if err != nil || info.Failed {
			continue
		}
		ms := byHost[h]
		sort.Slice(ms, func(i, j int) bool {
			if ms[i].itype.VCPUs != ms[j].itype.VCPUs {
				return ms[i].itype.VCPUs > ms[j].itype.VCPUs
			}
			return ms[i].id < ms[j].id
		})
		freeV := info.Capacity.VCPUs - info.Used.VCPUs
		freeM := info.Capacity.MemoryMiB - info.Used.MemoryMiB
		freeG := info.Capacity.GPUs - info.Used.GPUs
		// Instances already given notice free their slots soon: count
		// them as free, so that retries of the same launch do not reclaim
		// more.
		var pick []*Machine
		for _, m := range ms {
			if m.spot.action != nil {
				freeV += m.itype.VCPUs
				freeM += int(m.itype.MemoryMiB)
				freeG += m.itype.GPUs
			}
		}
		if freeV >= it.VCPUs && freeM >= int(it.MemoryMiB) && freeG >= it.GPUs {
			return // enough is on its way out already
		}
		for _, m := range ms {
			if m.spot.action != nil {
				continue
			}
			if freeV >= it.VCPUs && freeM >= int(it.MemoryMiB) && freeG >= it.GPUs {
				break
			}
			pick = append(pick, m)
			freeV += m.itype.VCPUs
			freeM += int(m.itype.MemoryMiB)
			freeG += m.itype.GPUs
		}
		if freeV >= it.VCPUs && freeM >= int(it.MemoryMiB) && freeG >= it.GPUs && len(pick) > 0 &&
			(best == nil || len(pick) < len(best)) {
			best = pick
		}
	}
	for _, m := range best {
		m.spot.disarm()
		s.issueNotice(m)
	}
}
