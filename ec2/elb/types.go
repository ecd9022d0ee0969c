package elb

import "time"

// The API shapes follow aws-sdk-go-v2's service/elasticloadbalancingv2
// types, with plain values where the SDK uses pointers and optional
// numbers as *int32 so that "not set" means AWS's default.

// Tag is a resource tag.
type Tag struct{ Key, Value string }

// LoadBalancerState is a load balancer's state.
type LoadBalancerState struct {
	Code   string // "provisioning", "active", "failed"
	Reason string
}

// AvailabilityZone is one enabled zone of a load balancer.
type AvailabilityZone struct {
	ZoneName string
	ZoneId   string
	SubnetId string
}

// LoadBalancer describes an Application Load Balancer.
type LoadBalancer struct {
	LoadBalancerArn       string
	LoadBalancerName      string
	DNSName               string
	CanonicalHostedZoneId string
	Scheme                string
	Type                  string
	IpAddressType         string
	VpcId                 string
	State                 LoadBalancerState
	AvailabilityZones     []AvailabilityZone
	SecurityGroups        []string
	CreatedTime           time.Time
}

// Matcher is the HTTP codes a healthy target answers health checks with
// ("200", "200,202", "200-299").
type Matcher struct{ HttpCode string }

// TargetGroup describes a target group.
type TargetGroup struct {
	TargetGroupArn             string
	TargetGroupName            string
	Protocol                   string
	Port                       int32
	VpcId                      string
	TargetType                 string
	HealthCheckProtocol        string
	HealthCheckPort            string
	HealthCheckPath            string
	HealthCheckEnabled         bool
	HealthCheckIntervalSeconds int32
	HealthCheckTimeoutSeconds  int32
	HealthyThresholdCount      int32
	UnhealthyThresholdCount    int32
	Matcher                    Matcher
	LoadBalancerArns           []string
}

// TargetDescription names a target: an instance ID and, optionally, a port
// overriding the target group's.
type TargetDescription struct {
	Id               string
	Port             *int32
	AvailabilityZone string
}

// TargetHealth is a target's health as DescribeTargetHealth reports it.
type TargetHealth struct {
	State       string // initial, healthy, unhealthy, unused, draining, unavailable
	Reason      string // Elb.RegistrationInProgress, Target.Timeout, ...
	Description string
}

// TargetHealthDescription is one row of DescribeTargetHealth.
type TargetHealthDescription struct {
	Target          TargetDescription
	HealthCheckPort string
	TargetHealth    TargetHealth
}

// TargetGroupAttribute is a key-value attribute of a target group
// (deregistration_delay.timeout_seconds, slow_start.duration_seconds,
// load_balancing.algorithm.type, load_balancing.cross_zone.enabled).
type TargetGroupAttribute struct{ Key, Value string }

// LoadBalancerAttribute is a key-value attribute of a load balancer
// (idle_timeout.timeout_seconds, load_balancing.cross_zone.enabled).
type LoadBalancerAttribute struct{ Key, Value string }

// FixedResponseActionConfig is a fixed-response action's answer.
type FixedResponseActionConfig struct {
	StatusCode  string
	ContentType string
	MessageBody string
}

// Action is what a listener or rule does with a request: "forward" to a
// target group or "fixed-response".
type Action struct {
	Type                string
	TargetGroupArn      string
	FixedResponseConfig *FixedResponseActionConfig
	Order               int32
}

// PathPatternConditionConfig lists path patterns (* and ? wildcards).
type PathPatternConditionConfig struct{ Values []string }

// RuleCondition is a rule's condition; only "path-pattern" is simulated.
type RuleCondition struct {
	Field             string
	Values            []string
	PathPatternConfig *PathPatternConditionConfig
}

// Listener describes a listener.
type Listener struct {
	ListenerArn     string
	LoadBalancerArn string
	Port            int32
	Protocol        string
	DefaultActions  []Action
}

// Rule describes a listener rule.
type Rule struct {
	RuleArn    string
	Priority   string // "1".."50000" or "default"
	Conditions []RuleCondition
	Actions    []Action
	IsDefault  bool
}
