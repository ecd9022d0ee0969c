package billing

import (
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// Month is a calendar month in UTC — the billing period of AWS invoices,
// budgets and the free tier — numbered year*12 + (month-1), so that months
// compare and subtract as integers. The zero value is January of year 0 and
// is not a valid billing month for a simulation.
type Month int32

// MonthOf returns the calendar month containing t.
func MonthOf(t time.Time) Month {
	t = t.UTC()
	return Month(t.Year()*12 + int(t.Month()) - 1)
}

// MakeMonth returns the Month for a year and month.
func MakeMonth(year int, m time.Month) Month { return Month(year*12 + int(m) - 1) }

// Year and Month of the calendar month.
func (m Month) Year() int         { return int(m) / 12 }
func (m Month) Month() time.Month { return time.Month(int(m)%12 + 1) }

// Start returns the first instant of the month (UTC).
func (m Month) Start() time.Time { return time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC) }

// End returns the first instant of the next month.
func (m Month) End() time.Time { return (m + 1).Start() }

// Seconds returns the number of seconds in the month (2,678,400 for a
// 31-day month). AWS prorates GB-month and IOPS-month charges by the share
// of the calendar month provisioned: its EBS pricing example bills 1,000
// IOPS kept 15 days "in a 30 day month" at 15/30 of the monthly rate, and
// EBS:VolumeUsage is metered in byte-hours divided by the month's hours.
func (m Month) Seconds() int64 { return int64(m.End().Sub(m.Start()) / time.Second) }

// Hours returns the number of hours in the month (744 for 31 days).
func (m Month) Hours() int64 { return m.Seconds() / 3600 }

// String formats the month as "2026-01".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year(), int(m.Month())) }

// ParseMonth parses "2026-01".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return 0, fmt.Errorf("billing: invalid month %q (want YYYY-MM)", s)
	}
	return MonthOf(t), nil
}

// monthSpan caches the virtual-time bounds of one month for an Env.
type monthSpan struct {
	m          Month
	start, end sim.Time
}

func spanOf(clk sim.Clock, m Month) monthSpan {
	// FromTime is not on sim.Clock; derive the offset from TimeOf(0).
	epoch := clk.TimeOf(0)
	return monthSpan{m: m, start: sim.Time(m.Start().Sub(epoch)), end: sim.Time(m.End().Sub(epoch))}
}
