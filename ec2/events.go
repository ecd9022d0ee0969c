package ec2

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/internal/mix"
)

// EventBridge-shaped events: EC2 publishes instance state changes, Spot
// interruption warnings and rebalance recommendations to the default
// event bus with source "aws.ec2", a detail-type, the instance's ARN in
// resources and a detail object:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/rebalance-recommendations.html
// Subscribers select events with an event pattern (EventBridge's syntax:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html),
// of which this package matches exact values and {"prefix": ...} on any
// field, nested objects for detail.

// Detail types of the events EC2 publishes here.
const (
	DetailTypeStateChange = "EC2 Instance State-change Notification"
	DetailTypeSpotWarning = "EC2 Spot Instance Interruption Warning"
	DetailTypeRebalance   = "EC2 Instance Rebalance Recommendation"
)

// Event is an EventBridge event envelope.
type Event struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       time.Time       `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// EventPattern is a parsed event pattern.
type EventPattern struct {
	root map[string]any
}

// ParseEventPattern parses an EventBridge event pattern: a JSON object
// whose leaves are arrays of allowed values (strings, numbers, or
// {"prefix": "..."}), nested objects matching nested fields. Other
// operators (anything-but, numeric, exists, ...) are refused.
func ParseEventPattern(pattern string) (*EventPattern, error) {
	var root map[string]any
	dec := json.NewDecoder(strings.NewReader(pattern))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("ec2: InvalidEventPatternException: event pattern is not a JSON object: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("ec2: InvalidEventPatternException: trailing data after the event pattern")
	}
	if len(root) == 0 {
		return nil, fmt.Errorf("ec2: InvalidEventPatternException: empty event pattern")
	}
	if err := checkPattern(root, ""); err != nil {
		return nil, err
	}
	return &EventPattern{root: root}, nil
}

func checkPattern(obj map[string]any, path string) error {
	for k, v := range obj {
		p := path + "." + k
		switch x := v.(type) {
		case map[string]any:
			if err := checkPattern(x, p); err != nil {
				return err
			}
		case []any:
			if len(x) == 0 {
				return fmt.Errorf("ec2: InvalidEventPatternException: %s: empty array matches nothing", p[1:])
			}
			for _, e := range x {
				switch y := e.(type) {
				case string, json.Number, bool, nil:
				case map[string]any:
					pre, ok := y["prefix"].(string)
					if len(y) != 1 || !ok {
						return fmt.Errorf("ec2: InvalidEventPatternException: %s: only {\"prefix\": \"...\"} is supported among the operators", p[1:])
					}
					_ = pre
				default:
					return fmt.Errorf("ec2: InvalidEventPatternException: %s: unsupported value %v", p[1:], e)
				}
			}
		default:
			return fmt.Errorf("ec2: InvalidEventPatternException: %s: match values must be in a JSON array", p[1:])
		}
	}
	return nil
}

// Matches reports whether ev matches the pattern.
func (ep *EventPattern) Matches(ev Event) bool {
	var doc map[string]any
	b, _ := json.Marshal(ev)
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return false
	}
	return matchObj(ep.root, doc)
}

func matchObj(pat, doc map[string]any) bool {
	for k, pv := range pat {
		dv, ok := doc[k]
		switch x := pv.(type) {
		case map[string]any:
			sub, isObj := dv.(map[string]any)
			if !ok || !isObj || !matchObj(x, sub) {
				return false
			}
		case []any:
			if !ok || !matchValue(x, dv) {
				return false
			}
		}
	}
	return true
}

// matchValue: a scalar field matches if it equals an allowed value; an
// array field matches if any of its elements does.
func matchValue(allowed []any, v any) bool {
	if arr, ok := v.([]any); ok {
		for _, e := range arr {
			if matchValue(allowed, e) {
				return true
			}
		}
		return false
	}
	for _, a := range allowed {
		switch y := a.(type) {
		case map[string]any:
			if s, ok := v.(string); ok && strings.HasPrefix(s, y["prefix"].(string)) {
				return true
			}
		case json.Number:
			if n, ok := v.(json.Number); ok && n.String() == y.String() {
				return true
			}
		default:
			if a == v {
				return true
			}
		}
	}
	return false
}

type eventRule struct {
	pattern *EventPattern
	fn      func(Event)
}

// SubscribeEvents delivers every event matching pattern to fn, in
// publication order, at the instant it is published. It returns a
// function that unsubscribes, or the pattern's parse error.
func (s *Service) SubscribeEvents(pattern string, fn func(Event)) (cancel func(), err error) {
	if fn == nil {
		panic("ec2: SubscribeEvents: fn is nil")
	}
	ep, err := ParseEventPattern(pattern)
	if err != nil {
		return nil, err
	}
	if len(s.rules) == 0 && s.stateRule == nil {
		// State changes reach the bus through the ordinary subscription.
		c := s.Subscribe(func(e StateChangeEvent) {
			m, ok := s.instance(e.InstanceID)
			if !ok || len(s.rules) == 0 {
				return
			}
			d, _ := json.Marshal(map[string]string{"instance-id": e.InstanceID, "state": string(e.Current)})
			s.publish(m, DetailTypeStateChange, d)
		})
		s.stateRule = c
	}
	r := &eventRule{ep, fn}
	s.rules = append(s.rules, r)
	return func() {
		for i, x := range s.rules {
			if x == r {
				s.rules = append(s.rules[:i], s.rules[i+1:]...)
				return
			}
		}
	}, nil
}

// publish sends one event about m to the matching subscribers.
func (s *Service) publish(m *Machine, detailType string, detail json.RawMessage) {
	if len(s.rules) == 0 {
		return
	}
	s.eventSeq++
	h := mix.SplitMix64(s.eventSeq ^ 0x5eed)
	g := mix.SplitMix64(h)
	ev := Event{Version: "0", ID: fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", uint32(h), uint16(h>>32), uint16(h>>48), uint16(g), g>>16),
		DetailType: detailType, Source: "aws.ec2", Account: m.account, Time: s.env.NowTime().UTC().Truncate(time.Second),
		Region: m.region, Resources: []string{"arn:aws:ec2:" + m.region + ":" + m.account + ":instance/" + m.id}, Detail: detail}
	for _, r := range append([]*eventRule(nil), s.rules...) {
		if r.pattern.Matches(ev) {
			r.fn(ev)
		}
	}
}

func (s *Service) publishSpotWarning(m *Machine, action string) {
	if len(s.rules) == 0 {
		return
	}
	d, _ := json.Marshal(map[string]string{"instance-id": m.id, "instance-action": action})
	s.publish(m, DetailTypeSpotWarning, d)
}

func (s *Service) publishRebalance(m *Machine) {
	if len(s.rules) == 0 {
		return
	}
	d, _ := json.Marshal(map[string]string{"instance-id": m.id})
	s.publish(m, DetailTypeRebalance, d)
}
