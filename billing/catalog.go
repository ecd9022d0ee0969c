package billing

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"slices"
	"sort"
	"strings"
	"sync"
)

// The default price catalog: us-east-1 list prices ([on-demand prices],
// [AWS pricing pages], [public IPv4 pricing], [Lambda pricing], [burstable
// guide] for T3 surplus credits, [snapshot archive pricing]), per-family
// regional multipliers ([price list 2018]; where it has no figure for a
// family, the region's x2iedn ratio from [ec2instances.info]) and
// per-region data-transfer prices ([AWS pricing pages], [data transfer
// FAQ]). The sources are listed in the package documentation (doc.go).
//
//go:embed catalog.json
var defaultCatalogJSON []byte

var (
	defaultOnce    sync.Once
	defaultCatalog *Catalog
	defaultErr     error
)

// DefaultCatalog returns the built-in catalog (parsed once; shared and
// read-only). Extend or replace it with ParseCatalog and Merge.
func DefaultCatalog() *Catalog {
	defaultOnce.Do(func() { defaultCatalog, defaultErr = ParseCatalog(defaultCatalogJSON) })
	if defaultErr != nil {
		panic("billing: embedded catalog.json is invalid: " + defaultErr.Error())
	}
	return defaultCatalog
}

// DefaultCatalogJSON returns a copy of the embedded catalog file, as a
// starting point for a user's own.
func DefaultCatalogJSON() []byte { return slices.Clone(defaultCatalogJSON) }

// Catalog is a price list: products keyed by AWS usage type (without the
// region prefix AWS puts on usage types outside us-east-1, e.g. "USW2-"),
// with us-east-1 prices, per-region overrides and per-family regional
// multipliers. A Catalog is immutable once built, so one catalog can be
// shared by any number of ledgers and goroutines.
type Catalog struct {
	Version  string       `json:"version,omitempty"`
	Regions  []RegionInfo `json:"regions"`
	Products []Product    `json:"products"`
	regions  map[string]*RegionInfo
	prefixes map[string]string // usage-type prefix → region code
	products map[string]*Product
	wild     []*Product // usage types ending in "*", longest first
}

// RegionInfo describes a region of the catalog.
type RegionInfo struct {
	Code string `json:"code"`
	Name string `json:"name,omitempty"`
	// Note records where the region's prices come from.
	Note string `json:"note,omitempty"`
	// Prefix is the region's usage-type prefix ("USW2"; "" for us-east-1,
	// where EC2 usage types carry none). Pair is the code used in
	// inter-region transfer usage types ("USE1-USW2-AWS-Out-Bytes"); it
	// defaults to Prefix.
	Prefix string `json:"prefix"`
	Pair   string `json:"pair,omitempty"`
	// Multipliers maps a price family ("m5", "t3", ...) to the ratio of this
	// region's price to us-east-1's, as a decimal string. The family "ec2"
	// applies to instance families without their own entry.
	Multipliers map[string]string `json:"multipliers,omitempty"`
	mult        map[string]*big.Rat
}

// Product is one priced usage type.
type Product struct {
	UsageType   string `json:"usageType"`
	Service     string `json:"service"`
	Description string `json:"description,omitempty"`
	// Unit is the pricing unit AWS quotes ("Hrs", "GB-Mo", "GB", "Requests",
	// "Lambda-GB-Second", "IOPS-Mo", "vCPU-Hours").
	Unit string `json:"unit"`
	// RawUnit is the integer unit services meter in ("second", "GiB-second",
	// "byte-second", "byte", "request", "MB-ms", "IOPS-second",
	// "vCPU-minute"). PerUnit raw units make one pricing unit; if Monthly,
	// the pricing unit is additionally per month, so PerUnit is multiplied
	// by the seconds of the calendar month being billed (GB-Mo prorated by
	// the second).
	RawUnit string `json:"rawUnit"`
	PerUnit int64  `json:"perUnit,omitempty"`
	Monthly bool   `json:"monthly,omitempty"`
	// Family selects a regional multiplier ("" = same price everywhere
	// unless overridden in RegionPrices).
	Family string `json:"family,omitempty"`
	// Price is the us-east-1 price per unit; Tiers, if set, replaces it
	// with a tiered price.
	Price string `json:"price,omitempty"`
	Tiers []Tier `json:"tiers,omitempty"`
	// RegionPrices overrides the tiers for a region (or a region pair
	// "us-east-1>us-east-2" for inter-region transfer).
	RegionPrices map[string][]Tier `json:"regionPrices,omitempty"`
	// CallerPriced marks usage types whose price the reporting service
	// supplies with each record (spot instances: ec2 owns the spot price).
	CallerPriced bool `json:"callerPriced,omitempty"`
	// PrefixedInUSE1 marks usage types that AWS writes with the region
	// prefix in us-east-1 too ("USE1-PublicIPv4:InUseAddress"), where EC2,
	// S3 and data-transfer usage types carry none.
	PrefixedInUSE1 bool `json:"prefixedInUSE1,omitempty"`

	tiers  []tier
	region map[string][]tier
}

// Tier is one step of a tiered price: Price applies to monthly usage up to
// UpTo pricing units (cumulative; 0 on the last tier means unbounded).
type Tier struct {
	UpTo  int64  `json:"upTo,omitempty"`
	Price string `json:"price"`
}

type tier struct {
	upTo  int64 // pricing units; 0 = unbounded
	price Price
}

// defaultPerUnit gives PerUnit for common (RawUnit, Unit) pairs so catalog
// files need not spell it out.
var defaultPerUnit = map[[2]string]int64{
	{"second", "Hrs"}:             3600,
	{"GiB-second", "GB-Mo"}:       1,
	{"byte-second", "GB-Mo"}:      1 << 30,
	{"byte", "GB"}:                1 << 30,
	{"request", "Requests"}:       1,
	{"request", "IOs"}:            1,
	{"MB-ms", "Lambda-GB-Second"}: 1024 * 1000,
	{"MB-ms", "GB-Second"}:        1024 * 1000,
	{"IOPS-second", "IOPS-Mo"}:    1,
	{"MiBps-second", "MiBps-Mo"}:  1,
	{"vCPU-minute", "vCPU-Hours"}: 60,
	{"object-second", "Objects"}:  1,
	{"GiB-second", "GB-Hrs"}:      3600,
	{"unit-second", "Hrs"}:        3600,
	{"byte", "Bytes"}:             1,
	{"second", "Seconds"}:         1,
}

// ParseCatalog parses a catalog file (the JSON format of catalog.json).
func ParseCatalog(data []byte) (*Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("billing: invalid catalog: %v", err)
	}
	if err := c.build(); err != nil {
		return nil, err
	}
	return &c, nil
}

// LoadCatalog reads and parses a catalog file.
func LoadCatalog(r io.Reader) (*Catalog, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("billing: reading catalog: %w", err)
	}
	return ParseCatalog(b)
}

// MarshalJSON writes the catalog in the format ParseCatalog reads.
func (c *Catalog) MarshalJSON() ([]byte, error) {
	type plain Catalog
	return json.Marshal((*plain)(c))
}

// Merge returns a new catalog with other's regions and products added to
// c's, replacing those with the same code or usage type. Use it to extend
// the default catalog with a few products or regions.
func (c *Catalog) Merge(other *Catalog) (*Catalog, error) {
	n := &Catalog{Version: c.Version}
	if other.Version != "" {
		n.Version = other.Version
	}
	seenR := map[string]int{}
	for _, r := range c.Regions {
		seenR[r.Code] = len(n.Regions)
		n.Regions = append(n.Regions, cloneRegion(r))
	}
	for _, r := range other.Regions {
		if i, ok := seenR[r.Code]; ok {
			n.Regions[i] = cloneRegion(r)
			continue
		}
		seenR[r.Code] = len(n.Regions)
		n.Regions = append(n.Regions, cloneRegion(r))
	}
	seenP := map[string]int{}
	for _, p := range c.Products {
		seenP[p.UsageType] = len(n.Products)
		n.Products = append(n.Products, p)
	}
	for _, p := range other.Products {
		if i, ok := seenP[p.UsageType]; ok {
			n.Products[i] = p
			continue
		}
		seenP[p.UsageType] = len(n.Products)
		n.Products = append(n.Products, p)
	}
	if err := n.build(); err != nil {
		return nil, err
	}
	return n, nil
}

func cloneRegion(r RegionInfo) RegionInfo {
	r.mult = nil
	if r.Multipliers != nil {
		m := make(map[string]string, len(r.Multipliers))
		for k, v := range r.Multipliers {
			m[k] = v
		}
		r.Multipliers = m
	}
	return r
}

func (c *Catalog) build() error {
	c.regions = make(map[string]*RegionInfo, len(c.Regions))
	c.prefixes = make(map[string]string, len(c.Regions))
	for i := range c.Regions {
		r := &c.Regions[i]
		if r.Code == "" {
			return fmt.Errorf("billing: catalog region %d has no code", i)
		}
		if _, dup := c.regions[r.Code]; dup {
			return fmt.Errorf("billing: catalog region %q listed twice", r.Code)
		}
		if r.Pair == "" {
			r.Pair = r.Prefix
		}
		r.mult = make(map[string]*big.Rat, len(r.Multipliers))
		for fam, s := range r.Multipliers {
			q, ok := new(big.Rat).SetString(s)
			if !ok || q.Sign() <= 0 || strings.ContainsAny(s, "/eE") {
				return fmt.Errorf("billing: region %q: invalid multiplier %q for family %q", r.Code, s, fam)
			}
			r.mult[fam] = q
		}
		c.regions[r.Code] = r
		if r.Prefix != "" {
			if other, dup := c.prefixes[r.Prefix]; dup {
				return fmt.Errorf("billing: regions %q and %q share usage-type prefix %q", other, r.Code, r.Prefix)
			}
			c.prefixes[r.Prefix] = r.Code
		}
		if r.Pair != "" {
			c.prefixes[r.Pair] = r.Code
		}
	}
	c.products = make(map[string]*Product, len(c.Products))
	c.wild = c.wild[:0]
	for i := range c.Products {
		p := &c.Products[i]
		if p.UsageType == "" {
			return fmt.Errorf("billing: catalog product %d has no usage type", i)
		}
		if _, dup := c.products[p.UsageType]; dup {
			return fmt.Errorf("billing: usage type %q listed twice", p.UsageType)
		}
		if p.Unit == "" || p.RawUnit == "" {
			return fmt.Errorf("billing: usage type %q needs unit and rawUnit", p.UsageType)
		}
		if p.PerUnit == 0 {
			d, ok := defaultPerUnit[[2]string{p.RawUnit, p.Unit}]
			if !ok {
				return fmt.Errorf("billing: usage type %q: no default perUnit for %s per %s; set perUnit", p.UsageType, p.RawUnit, p.Unit)
			}
			p.PerUnit = d
		}
		if p.PerUnit < 0 {
			return fmt.Errorf("billing: usage type %q: negative perUnit", p.UsageType)
		}
		var err error
		switch {
		case p.CallerPriced:
			if p.Price != "" || len(p.Tiers) > 0 {
				return fmt.Errorf("billing: usage type %q is caller-priced and has a price", p.UsageType)
			}
		case len(p.Tiers) > 0:
			if p.Price != "" {
				return fmt.Errorf("billing: usage type %q has both price and tiers", p.UsageType)
			}
			if p.tiers, err = buildTiers(p.Tiers); err != nil {
				return fmt.Errorf("billing: usage type %q: %v", p.UsageType, err)
			}
		default:
			pr, err := ParsePrice(p.Price)
			if err != nil {
				return fmt.Errorf("billing: usage type %q: %v", p.UsageType, err)
			}
			p.tiers = []tier{{price: pr}}
		}
		p.region = make(map[string][]tier, len(p.RegionPrices))
		for reg, ts := range p.RegionPrices {
			src, dst, pair := strings.Cut(reg, ">")
			if _, ok := c.regions[src]; !ok {
				return fmt.Errorf("billing: usage type %q: price for unknown region %q", p.UsageType, src)
			}
			if pair {
				if _, ok := c.regions[dst]; !ok {
					return fmt.Errorf("billing: usage type %q: price for unknown region %q", p.UsageType, dst)
				}
			}
			if p.region[reg], err = buildTiers(ts); err != nil {
				return fmt.Errorf("billing: usage type %q in %s: %v", p.UsageType, reg, err)
			}
		}
		c.products[p.UsageType] = p
		if strings.HasSuffix(p.UsageType, "*") {
			c.wild = append(c.wild, p)
		}
	}
	sort.SliceStable(c.wild, func(i, j int) bool { return len(c.wild[i].UsageType) > len(c.wild[j].UsageType) })
	return nil
}

func buildTiers(ts []Tier) ([]tier, error) {
	if len(ts) == 0 {
		return nil, fmt.Errorf("no tiers")
	}
	out := make([]tier, len(ts))
	prev := int64(0)
	for i, t := range ts {
		p, err := ParsePrice(t.Price)
		if err != nil {
			return nil, err
		}
		last := i == len(ts)-1
		switch {
		case last && t.UpTo != 0:
			return nil, fmt.Errorf("last tier must be unbounded (upTo 0)")
		case !last && t.UpTo <= prev:
			return nil, fmt.Errorf("tier bounds must increase (upTo %d after %d)", t.UpTo, prev)
		}
		prev = t.UpTo
		out[i] = tier{upTo: t.UpTo, price: p}
	}
	return out, nil
}

// Region returns the catalog's description of a region.
func (c *Catalog) Region(code string) (RegionInfo, bool) {
	r, ok := c.regions[code]
	if !ok {
		return RegionInfo{}, false
	}
	return *r, true
}

// Rate is a product resolved for one region: what a line item of that usage
// type costs there.
type Rate struct {
	*Product
	Region string
	// UsageType is the normalized usage type (without the source region's
	// prefix); for inter-region transfer it keeps the destination's code.
	UsageType string
	// Dest is the destination region of an inter-region transfer type.
	Dest  string
	tiers []tier
}

// Tiers returns the region's tiers: prices per pricing unit and their
// cumulative upper bounds (0 = unbounded).
func (r Rate) Tiers() []Tier {
	out := make([]Tier, len(r.tiers))
	for i, t := range r.tiers {
		out[i] = Tier{UpTo: t.upTo, Price: t.price.String()}
	}
	return out
}

// UnitPrice returns the first tier's price.
func (r Rate) UnitPrice() Price {
	if len(r.tiers) == 0 {
		return 0
	}
	return r.tiers[0].price
}

// Lookup resolves a usage type in a region. usageType may carry the
// region's prefix ("USW2-BoxUsage:m5.large" in us-west-2) or not.
// Inter-region transfer is written "<DST>-AWS-Out-Bytes" (optionally
// prefixed by the source, as in the CUR: "USE1-USW2-AWS-Out-Bytes").
func (c *Catalog) Lookup(region, usageType string) (Rate, error) {
	reg, ok := c.regions[region]
	if !ok {
		return Rate{}, newErr(ErrUnknownRegion, "billing: region %q is not in the price catalog", region)
	}
	ut := c.normalize(reg, usageType)
	// Inter-region transfer: "<DST>-AWS-Out-Bytes" / "-AWS-In-Bytes".
	for _, suffix := range [...]string{"-AWS-Out-Bytes", "-AWS-In-Bytes"} {
		if dstCode, ok := strings.CutSuffix(ut, suffix); ok && !strings.Contains(dstCode, "-") {
			dst, ok := c.prefixes[dstCode]
			if !ok {
				return Rate{}, newErr(ErrUnknownUsageType, "billing: usage type %q names unknown region code %q", usageType, dstCode)
			}
			p, ok := c.products[suffix[1:]]
			if !ok {
				return Rate{}, newErr(ErrUnknownUsageType, "billing: usage type %q is not in the price catalog", suffix[1:])
			}
			rt, err := c.resolve(reg, p, ut)
			if err != nil {
				return Rate{}, err
			}
			if ts, ok := p.region[region+">"+dst]; ok {
				rt.tiers = ts
			}
			rt.Dest = dst
			return rt, nil
		}
	}
	p, ok := c.products[ut]
	if !ok {
		for _, w := range c.wild {
			if strings.HasPrefix(ut, strings.TrimSuffix(w.UsageType, "*")) {
				p, ok = w, true
				break
			}
		}
	}
	if !ok {
		return Rate{}, newErr(ErrUnknownUsageType, "billing: usage type %q is not in the price catalog", usageType)
	}
	return c.resolve(reg, p, ut)
}

func (c *Catalog) normalize(reg *RegionInfo, ut string) string {
	if reg.Prefix != "" {
		if rest, ok := cutCode(ut, reg.Prefix); ok {
			return rest
		}
	}
	// us-east-1 has no EC2 prefix, but AWS writes "USE1-" on other
	// services' usage types there ("USE1-PublicIPv4:InUseAddress"):
	// accept both spellings.
	if reg.Prefix == "" && reg.Pair != "" {
		if rest, ok := cutCode(ut, reg.Pair); ok {
			return rest
		}
	}
	if reg.Pair != "" && reg.Pair != reg.Prefix {
		if rest, ok := cutCode(ut, reg.Pair); ok && strings.Contains(rest, "-AWS-") {
			return rest
		}
	}
	return ut
}

// cutCode is strings.CutPrefix(ut, code+"-") without building the prefix.
func cutCode(ut, code string) (string, bool) {
	if len(ut) > len(code) && ut[len(code)] == '-' && ut[:len(code)] == code {
		return ut[len(code)+1:], true
	}
	return ut, false
}

func (c *Catalog) resolve(reg *RegionInfo, p *Product, ut string) (Rate, error) {
	rt := Rate{Product: p, Region: reg.Code, UsageType: ut}
	if p.CallerPriced {
		return rt, nil
	}
	if ts, ok := p.region[reg.Code]; ok {
		rt.tiers = ts
		return rt, nil
	}
	rt.tiers = p.tiers
	if p.Family == "" {
		return rt, nil
	}
	m, ok := reg.mult[p.Family]
	if !ok && p.Service == "AmazonEC2" {
		m, ok = reg.mult["ec2"]
	}
	if !ok {
		return rt, nil
	}
	if m.Cmp(big.NewRat(1, 1)) == 0 {
		return rt, nil
	}
	// Regional price = us-east-1 price × multiplier, rounded half up to a
	// whole femto-dollar (a relative error below 1e-9 at the smallest
	// prices, far under the three-digit precision of the multipliers).
	scaled := make([]tier, len(p.tiers))
	for i, t := range p.tiers {
		scaled[i] = tier{upTo: t.upTo, price: Price(roundRat(new(big.Rat).Mul(new(big.Rat).SetInt64(int64(t.price)), m)))}
	}
	rt.tiers = scaled
	return rt, nil
}

// roundRat rounds a non-negative rational half up to an integer (and a
// negative one half away from zero).
func roundRat(q *big.Rat) int64 {
	num, den := new(big.Int).Set(q.Num()), q.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	num.Mul(num, big.NewInt(2))
	num.Add(num, den)
	den2 := new(big.Int).Mul(den, big.NewInt(2))
	num.Quo(num, den2)
	if neg {
		num.Neg(num)
	}
	return num.Int64()
}
