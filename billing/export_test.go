package billing

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"
	"time"
)

// The export speaks CUR 2.0 column names; a CSV round trip keeps every
// line item's cost, usage type, resource, region and tags.
func TestWriteCURRoundTrip(t *testing.T) {
	env, led := newTestLedger(t, PlanLegacy)
	id := mustStart(t, led, Usage{Account: acct, Service: "AmazonEC2", UsageType: "BoxUsage:t3.micro", Operation: "RunInstances",
		Region: "us-east-1", AZ: "use1-az1", ResourceID: "i-1", Tags: map[string]string{"team": "web", "env": "prod"}, Quantity: 1}, PerSecond60)
	if _, err := led.RecordTransfer(Transfer{Account: acct, Service: "AmazonEC2", From: Endpoint{Region: "eu-west-1", ResourceID: "i-2"},
		To: Endpoint{Region: "us-east-1"}, Bytes: 3 * gib}); err != nil {
		t.Fatal(err)
	}
	env.RunFor(36 * time.Hour)
	mustStop(t, led, id, StopOptions{})
	lines := led.LineItems(jan2026)

	var buf bytes.Buffer
	if err := WriteCUR(&buf, lines); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(lines)+1 {
		t.Fatalf("%d rows for %d lines", len(rows), len(lines))
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	for _, c := range []string{"line_item_usage_type", "line_item_usage_amount", "line_item_unblended_cost", "line_item_resource_id",
		"product_region_code", "resource_tags", "line_item_usage_start_date"} {
		if _, ok := col[c]; !ok {
			t.Errorf("missing CUR column %s", c)
		}
	}
	var sum Money
	for i, r := range rows[1:] {
		li := lines[i]
		cost, err := ParseMoney(r[col["line_item_unblended_cost"]])
		if err != nil || cost != li.Cost {
			t.Errorf("row %d cost %q, want %v", i, r[col["line_item_unblended_cost"]], li.Cost)
		}
		sum += cost
		if r[col["line_item_usage_type"]] != li.UsageType || r[col["line_item_resource_id"]] != li.ResourceID || r[col["product_region_code"]] != li.Region {
			t.Errorf("row %d: %v vs %+v", i, r, li)
		}
	}
	if want := led.Invoice(acct, jan2026).Total; sum != want {
		t.Errorf("CSV costs sum to %v, invoice %v", sum, want)
	}
	// The t3.micro line: 36 h, all free, tags as a CUR 2.0 map.
	var box []string
	for _, r := range rows[1:] {
		if r[col["line_item_usage_type"]] == "BoxUsage:t3.micro" {
			box = r
		}
	}
	if box == nil || box[col["line_item_usage_amount"]] != "36" || box[col["resource_tags"]] != `{"user_env":"prod","user_team":"web"}` ||
		box[col["line_item_usage_start_date"]] != "2026-01-01T00:00:00Z" {
		t.Errorf("t3.micro row %v", box)
	}

	buf.Reset()
	if err := WriteCURJSON(&buf, lines); err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &objs); err != nil || len(objs) != len(lines) {
		t.Fatalf("JSON: %v, %d objects", err, len(objs))
	}
	if u, ok := objs[0]["line_item_usage_type"].(string); !ok || u != lines[0].UsageType {
		t.Errorf("JSON first usage type %v", objs[0]["line_item_usage_type"])
	}
}
