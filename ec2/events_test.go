package ec2

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// State changes are published as "EC2 Instance State-change Notification"
// with source aws.ec2, the instance ARN and detail {instance-id, state};
// patterns select by source, detail-type and detail, exactly or by prefix.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html
func TestStateChangeEventsWithPatterns(t *testing.T) {
	f := newFixture(t, 190, Options{})
	var all, stopped, prefixed []Event
	_, err := f.svc.SubscribeEvents(`{"source":["aws.ec2"]}`, func(e Event) { all = append(all, e) })
	require.NoError(t, err)
	_, err = f.svc.SubscribeEvents(`{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"detail":{"state":["stopped"]}}`,
		func(e Event) { stopped = append(stopped, e) })
	require.NoError(t, err)
	cancel, err := f.svc.SubscribeEvents(`{"detail":{"state":[{"prefix":"stop"}]}}`, func(e Event) { prefixed = append(prefixed, e) })
	require.NoError(t, err)
	var id string
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		id = m.ID()
		f.stopAndWait(p, m)
		cancel()
		_, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{id}})
		require.NoError(t, err)
	})
	var states []string
	for _, e := range all {
		require.Equal(t, "aws.ec2", e.Source)
		require.Equal(t, DetailTypeStateChange, e.DetailType)
		require.Equal(t, []string{"arn:aws:ec2:us-east-1:" + testAccount + ":instance/" + id}, e.Resources)
		var d struct {
			ID    string `json:"instance-id"`
			State string `json:"state"`
		}
		require.NoError(t, json.Unmarshal(e.Detail, &d))
		require.Equal(t, id, d.ID)
		states = append(states, d.State)
	}
	require.Equal(t, []string{"pending", "running", "stopping", "stopped", "shutting-down", "terminated"}, states)
	require.Len(t, stopped, 1)
	require.Len(t, prefixed, 2, "stopping and stopped, before cancel")
}

// Spot interruption warnings and rebalance recommendations are published
// too, with their detail types and detail.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
func TestSpotEvents(t *testing.T) {
	f := newFixture(t, 191, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour, RebalanceProbability: 1, RebalanceLead: 10 * time.Minute}})
	var got []Event
	_, err := f.svc.SubscribeEvents(`{"source":["aws.ec2"],"detail-type":[{"prefix":"EC2 Spot"},"EC2 Instance Rebalance Recommendation"]}`,
		func(e Event) { got = append(got, e) })
	require.NoError(t, err)
	f.do(3*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, spotInput(InterruptionTerminate))
		require.NoError(t, p.Sleep(time.Hour))
		f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1)
	})
	require.NotEmpty(t, got)
	last := got[len(got)-1]
	require.Equal(t, DetailTypeSpotWarning, last.DetailType)
	var d map[string]string
	require.NoError(t, json.Unmarshal(last.Detail, &d))
	require.Equal(t, "terminate", d["instance-action"])
	for _, e := range got[:len(got)-1] {
		require.Equal(t, DetailTypeRebalance, e.DetailType)
	}
}

func TestEventPatternParse(t *testing.T) {
	for _, bad := range []string{``, `[]`, `{}`, `{"source":"aws.ec2"}`, `{"source":[]}`, `{"source":[{"anything-but":"x"}]}`, `{"a":[1]} x`} {
		_, err := ParseEventPattern(bad)
		require.Error(t, err, bad)
	}
	ep, err := ParseEventPattern(`{"detail":{"n":[3]}, "region":["us-east-1"]}`)
	require.NoError(t, err)
	require.True(t, ep.Matches(Event{Region: "us-east-1", Detail: json.RawMessage(`{"n":3}`)}))
	require.False(t, ep.Matches(Event{Region: "us-east-1", Detail: json.RawMessage(`{"n":4}`)}))
	require.False(t, ep.Matches(Event{Region: "us-east-1"}))
}

func FuzzParseEventPattern(f *testing.F) {
	for _, s := range []string{`{"source":["aws.ec2"]}`, `{"detail":{"state":[{"prefix":"st"}]}}`, `{"a":[1,"x",null,true]}`, `{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ep, err := ParseEventPattern(s)
		if err != nil {
			return
		}
		ep.Matches(Event{Source: "aws.ec2", Detail: json.RawMessage(`{"state":"stopped","n":1}`)})
	})
}
