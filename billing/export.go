package billing

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"math/big"
	"slices"
	"strings"
	"time"
)

// curColumns are the Cost and Usage Report 2.0 columns that WriteCUR
// writes — the subset of the CUR 2.0 schema that a simulated bill fills.
// Names follow the AWS Data Exports table dictionary
// (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html);
// resource_tags is CUR 2.0's map column, keyed "user_<tag key>".
var curColumns = []string{
	"bill_billing_period_start_date",
	"bill_billing_period_end_date",
	"bill_payer_account_id",
	"line_item_usage_account_id",
	"line_item_line_item_type",
	"line_item_usage_start_date",
	"line_item_usage_end_date",
	"line_item_product_code",
	"line_item_usage_type",
	"line_item_operation",
	"line_item_availability_zone",
	"line_item_resource_id",
	"line_item_usage_amount",
	"pricing_unit",
	"line_item_unblended_rate",
	"line_item_unblended_cost",
	"line_item_currency_code",
	"line_item_line_item_description",
	"product_region_code",
	"resource_tags",
}

// CURColumns returns the Cost and Usage Report 2.0 columns that WriteCUR
// writes, in order: a fresh copy, so that no caller can change what
// another ledger's export writes.
func CURColumns() []string { return slices.Clone(curColumns) }

// curRow renders a line item as CUR 2.0 values, in curColumns order.
func curRow(li *LineItem) []string {
	tags := "{}"
	if len(li.Tags) > 0 {
		// CUR 2.0 holds tags as a map column keyed "user_<key>"; in CSV it
		// is written as JSON.
		m := make(map[string]string, len(li.Tags))
		for k, v := range li.Tags {
			m["user_"+k] = v
		}
		b, _ := json.Marshal(m) // sorted keys: deterministic
		tags = string(b)
	}
	rate := ""
	if li.Type == "Usage" {
		rate = strings.TrimPrefix(li.UnitPrice.String(), "$")
	}
	return []string{
		curTime(li.Month.Start()),
		curTime(li.Month.End()),
		li.Account,
		li.Account,
		li.Type,
		curTime(li.Start),
		curTime(li.End),
		li.Service,
		li.UsageType,
		li.Operation,
		li.AZ,
		li.ResourceID,
		decimal(li.Amount, 10),
		li.Unit,
		rate,
		li.Cost.Decimal(),
		"USD",
		li.Description,
		li.Region,
		tags,
	}
}

func curTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// decimal formats an exact rational with at most prec decimals (rounded
// half away from zero), trailing zeros trimmed.
func decimal(r *big.Rat, prec int) string {
	if r == nil {
		return "0"
	}
	s := r.FloatString(prec)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// WriteCUR writes line items as CSV with a header of CUR 2.0 column names
// (CURColumns()). Usage amounts have up to ten decimals; costs are exact
// (nine decimals).
func WriteCUR(w io.Writer, lines []LineItem) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(curColumns); err != nil {
		return err
	}
	for i := range lines {
		if err := cw.Write(curRow(&lines[i])); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteCURJSON writes line items as a JSON array of objects keyed by the
// CUR 2.0 column names; resource_tags is an object.
func WriteCURJSON(w io.Writer, lines []LineItem) error {
	out := make([]map[string]any, 0, len(lines))
	for i := range lines {
		row := curRow(&lines[i])
		obj := make(map[string]any, len(row))
		for j, c := range curColumns {
			obj[c] = row[j]
		}
		tags := map[string]string{}
		for k, v := range lines[i].Tags {
			tags["user_"+k] = v
		}
		obj["resource_tags"] = tags
		out = append(out, obj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}

// LineItems returns the line items of every account for month m, as of
// now, accounts in order of first appearance.
func (l *Ledger) LineItems(m Month) []LineItem {
	var out []LineItem
	for _, a := range l.accounts.All() {
		out = append(out, l.Invoice(a.id, m).Lines...)
	}
	return out
}
