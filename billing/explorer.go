package billing

import (
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// Dimension is a Cost Explorer grouping key (AWS's GroupDefinition names).
type Dimension string

// Dimensions of line items. Group by a tag with TagDimension.
const (
	DimAccount   Dimension = "LINKED_ACCOUNT"
	DimService   Dimension = "SERVICE"
	DimUsageType Dimension = "USAGE_TYPE"
	DimOperation Dimension = "OPERATION"
	DimRegion    Dimension = "REGION"
	DimAZ        Dimension = "AZ"
	DimResource  Dimension = "RESOURCE_ID"
	DimLineType  Dimension = "RECORD_TYPE"
)

// TagDimension groups by the value of one tag key. Cost Explorer labels
// such groups "key$value", and untagged cost "key$".
func TagDimension(key string) Dimension { return Dimension("TAG:" + key) }

func (d Dimension) of(li *LineItem) string {
	switch d {
	case DimAccount:
		return li.Account
	case DimService:
		return li.Service
	case DimUsageType:
		return li.UsageType
	case DimOperation:
		return li.Operation
	case DimRegion:
		return li.Region
	case DimAZ:
		return li.AZ
	case DimResource:
		return li.ResourceID
	case DimLineType:
		return li.Type
	}
	if k, ok := strings.CutPrefix(string(d), "TAG:"); ok {
		return k + "$" + li.Tags[k]
	}
	return ""
}

func (d Dimension) valid() bool {
	switch d {
	case DimAccount, DimService, DimUsageType, DimOperation, DimRegion, DimAZ, DimResource, DimLineType:
		return true
	}
	return strings.HasPrefix(string(d), "TAG:") && len(d) > 4
}

// Group is the cost of the line items sharing one value per dimension.
type Group struct {
	Keys  []string
	Cost  Money
	Lines int
}

func groupLines(lines []LineItem, by []Dimension) []Group {
	idx := map[string]int{}
	var gs []Group
	for i := range lines {
		li := &lines[i]
		keys := make([]string, len(by))
		for j, d := range by {
			keys[j] = d.of(li)
		}
		k := strings.Join(keys, "\x00")
		g, ok := idx[k]
		if !ok {
			g = len(gs)
			idx[k] = g
			gs = append(gs, Group{Keys: keys})
		}
		gs[g].Cost += li.Cost
		gs[g].Lines++
	}
	sort.Slice(gs, func(i, j int) bool {
		return strings.Join(gs[i].Keys, "\x00") < strings.Join(gs[j].Keys, "\x00")
	})
	return gs
}

// CostQuery selects and groups cost, like Cost Explorer's GetCostAndUsage
// with MONTHLY granularity.
type CostQuery struct {
	// Accounts to include; nil means all.
	Accounts []string
	// From and To bound the months, To exclusive (as TimePeriod.End).
	From, To Month
	GroupBy  []Dimension
	// Services, if non-empty, filters line items by service.
	Services []string
	// ExcludeCredits leaves credit lines out (Cost Explorer's
	// RECORD_TYPE filter).
	ExcludeCredits bool
}

// CostResult is one month of a CostReport.
type CostResult struct {
	Month  Month
	Total  Money
	Groups []Group
}

// GetCostAndUsage reports cost per month grouped by q.GroupBy, as of now.
func (l *Ledger) GetCostAndUsage(q CostQuery) ([]CostResult, error) {
	if q.To <= q.From {
		return nil, newErr(ErrInvalidUsage, "billing: empty period %v..%v", q.From, q.To)
	}
	// The virtual clock spans about 584 years (int64 nanoseconds either
	// side of the epoch); a longer period cannot hold usage, and looping
	// over billions of months would hang the caller.
	if int64(q.To)-int64(q.From) > maxQueryMonths {
		return nil, newErr(ErrInvalidUsage, "billing: period %v..%v is longer than the simulation clock can span (%d months)", q.From, q.To, maxQueryMonths)
	}
	for _, d := range q.GroupBy {
		if !d.valid() {
			return nil, newErr(ErrInvalidUsage, "billing: unknown group-by dimension %q", d)
		}
	}
	accts := q.Accounts
	if accts == nil {
		accts = l.Accounts()
	}
	var out []CostResult
	for m := q.From; m < q.To; m++ {
		var lines []LineItem
		for _, a := range accts {
			for _, li := range l.Invoice(a, m).Lines {
				if q.ExcludeCredits && li.Type == "Credit" {
					continue
				}
				if len(q.Services) > 0 && !contains(q.Services, li.Service) {
					continue
				}
				lines = append(lines, li)
			}
		}
		r := CostResult{Month: m, Groups: groupLines(lines, q.GroupBy)}
		for _, li := range lines {
			r.Total += li.Cost
		}
		out = append(out, r)
	}
	return out, nil
}

// maxQueryMonths bounds a cost query's period: the months a sim.Time can
// reach from the epoch, both ways.
const maxQueryMonths = 2 * 292 * 12

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Forecast returns the forecast usage cost (before credits) of an
// account's month m: usage so far, running meters continued to the end of
// the month, and usage reported with Record extrapolated linearly over the
// month from its rate so far (over at least MinForecastHistory). For a
// month that has ended it is the actual cost.
func (l *Ledger) Forecast(accountID string, m Month) Money {
	return l.forecastAt(accountID, m, l.env.Now(), nil)
}

// MinForecastHistory is the least history a forecast extrapolates from:
// usage recorded in a month's first day is extrapolated as if it had taken
// a whole day, rather than multiplied by the month's length over a few
// seconds. It also makes the forecast a non-increasing function of time
// between changes of usage, which budgets rely on.
const MinForecastHistory = 24 * time.Hour

// forecastElapsed is the elapsed part of the month the forecast divides by.
func forecastElapsed(sp monthSpan, now sim.Time) time.Duration {
	base := max(sp.start, 0) // the simulation starts at its epoch
	return min(max(now.Sub(base), MinForecastHistory), sp.end.Sub(base))
}

// forecastAt computes the forecast as of now, optionally only over the
// services in filter.
func (l *Ledger) forecastAt(accountID string, m Month, now sim.Time, filter []string) Money {
	sp := spanOf(l.env, m)
	var scale *big.Rat
	base := max(sp.start, 0) // the simulation starts at its epoch
	// A month beyond the clock's range (about 292 years after the epoch)
	// has an empty span: nothing can be recorded in it, so there is
	// nothing to extrapolate (and no elapsed time to divide by).
	if now < sp.end && sp.end > base {
		scale = new(big.Rat).SetFrac64(int64(sp.end-base), int64(forecastElapsed(sp, now)))
	}
	end := sp.end
	if now >= sp.end {
		end = now
	}
	return l.usageCost(accountID, m, l.collect(accountID, m, end, scale, nil), filter)
}
