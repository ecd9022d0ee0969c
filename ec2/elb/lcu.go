package elb

import (
	"math/bits"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/sim"
)

// LCU dimensions of an Application Load Balancer: one LCU is 25 new
// connections per second, 3,000 active connections per minute, 1 GB
// processed per hour (EC2 targets), or 1,000 rule evaluations per second
// beyond the 10 free rules; an hour is billed for its largest dimension
// (https://aws.amazon.com/elasticloadbalancing/pricing/).
const (
	lcuNewConnsPerSec   = 25
	lcuActivePerMinute  = 3000
	lcuBytesPerHour     = 1 << 30 // GB as the ledger counts it
	lcuRuleEvalsPerSec  = 1000
	lcuFreeRules        = 10
	microLCU            = 1_000_000
	secondsPerHour      = 3600
	minutesPerHour      = 60
	lcuUsageType        = "LCUUsage"
	lbUsageType         = "LoadBalancerUsage"
	lbOperation         = "LoadBalancing:Application"
	elbProductCode      = "AWSELB"
	lcuRecordOnZeroHour = false
)

// LCUHour is one clock hour of a load balancer's LCU dimensions.
type LCUHour struct {
	Start                   sim.Time
	NewConnections          int64 // opened in the hour
	ActiveConnectionMinutes int64 // sum over the hour's minutes of connections active in that minute
	ProcessedBytes          int64
	RuleEvaluations         int64 // beyond the free rules, summed over requests
	MicroLCU                int64 // the billed LCU-hours, in millionths, rounded up
}

type lcuMeter struct {
	lb           *loadBalancer
	minute       int64 // current minute index
	open         int64
	minuteActive int64
	cur          LCUHour
	hours        []LCUHour
	timer        sim.Timer
}

func (m *lcuMeter) start(lb *loadBalancer) {
	m.lb = lb
	now := lb.svc.env.Now()
	m.minute = int64(now) / int64(time.Minute)
	m.cur.Start = sim.Time(m.minute / minutesPerHour * int64(time.Hour))
	m.arm()
}

// arm sets a daemon timer at the next hour boundary, so every hour is
// billed even when no request arrives.
func (m *lcuMeter) arm() {
	next := m.cur.Start + sim.Time(time.Hour)
	m.timer = m.lb.svc.env.AtDaemon(next, func() {
		m.roll(m.lb.svc.env.Now())
		if !m.lb.deleted {
			m.arm()
		}
	})
}

// roll closes the minutes (and hours) before now.
func (m *lcuMeter) roll(now sim.Time) {
	target := int64(now) / int64(time.Minute)
	for m.minute < target {
		m.cur.ActiveConnectionMinutes += m.minuteActive
		m.minute++
		m.minuteActive = m.open
		if m.minute%minutesPerHour == 0 {
			m.closeHour()
		}
	}
}

func (m *lcuMeter) openConn(now sim.Time, bytes int64) {
	m.roll(now)
	m.cur.NewConnections++
	m.cur.ProcessedBytes += bytes
	m.open++
	m.minuteActive++
}

func (m *lcuMeter) close(now sim.Time, bytes int64) {
	m.roll(now)
	m.cur.ProcessedBytes += bytes
	m.open--
}

func (m *lcuMeter) rules(evaluated int) {
	if evaluated > lcuFreeRules {
		m.cur.RuleEvaluations += int64(evaluated - lcuFreeRules)
	}
}

// ceilDiv returns ceil(x*microLCU/d) without overflow.
func ceilDiv(x, d uint64) int64 {
	hi, lo := bits.Mul64(x, microLCU)
	q, r := bits.Div64(hi, lo, d)
	if r != 0 {
		q++
	}
	return int64(q)
}

// MicroLCU computes the billed LCU-hours of an hour, in millionths: the
// largest of the four dimensions, rounded up.
func (h LCUHour) micro() int64 {
	return max(
		ceilDiv(uint64(h.NewConnections), lcuNewConnsPerSec*secondsPerHour),
		ceilDiv(uint64(h.ActiveConnectionMinutes), lcuActivePerMinute*minutesPerHour),
		ceilDiv(uint64(h.ProcessedBytes), lcuBytesPerHour),
		ceilDiv(uint64(h.RuleEvaluations), lcuRuleEvalsPerSec*secondsPerHour))
}

func (m *lcuMeter) closeHour() {
	h := m.cur
	h.MicroLCU = h.micro()
	m.hours = append(m.hours, h)
	m.record(h, h.Start+sim.Time(time.Hour))
	m.cur = LCUHour{Start: h.Start + sim.Time(time.Hour)}
}

func (m *lcuMeter) record(h LCUHour, end sim.Time) {
	if h.MicroLCU == 0 && !lcuRecordOnZeroHour {
		return
	}
	lb := m.lb
	err := lb.svc.ledger.Record(billing.Usage{Account: lb.account, Service: elbProductCode, UsageType: lcuUsageType,
		Operation: lbOperation, Region: lb.region, ResourceID: lb.arn, Start: h.Start, End: end, Quantity: h.MicroLCU})
	if err != nil {
		panic("elb: metering LCUs: " + err.Error())
	}
}

// settle bills the hour in progress (a deleted load balancer, or the end
// of a scenario); with stop, the hourly timer stops too. What the rest of
// that clock hour brings is billed at its end as a record of its own.
func (m *lcuMeter) settle(stop bool) {
	now := m.lb.svc.env.Now()
	m.roll(now)
	m.cur.ActiveConnectionMinutes += m.minuteActive
	m.minuteActive = m.open
	h := m.cur
	h.MicroLCU = h.micro()
	m.hours = append(m.hours, h)
	m.record(h, now)
	m.cur = LCUHour{Start: h.Start}
	if stop {
		m.timer.Stop()
	}
}
