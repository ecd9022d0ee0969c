package elb

import (
	"context"
	"slices"
	"strconv"
)

// CreateListenerInput is CreateListener's request.
type CreateListenerInput struct {
	LoadBalancerArn string
	Protocol        string // "HTTP"
	Port            *int32
	DefaultActions  []Action
	Tags            []Tag
}

// CreateListenerOutput is CreateListener's response.
type CreateListenerOutput struct{ Listeners []Listener }

// checkActions validates a listener's or rule's actions: exactly one
// forward or fixed-response, a forward's group in the balancer's VPC and
// not used by another load balancer.
func (c *Client) checkActions(account string, lb *loadBalancer, acts []Action) ([]*targetGroup, error) {
	if len(acts) == 0 {
		return nil, validation("At least one action must be specified")
	}
	var tgs []*targetGroup
	for _, a := range acts {
		switch a.Type {
		case "forward":
			tg, err := c.svc.getTG(account, c.region, a.TargetGroupArn)
			if err != nil {
				return nil, err
			}
			if tg.vpc != lb.vpc {
				return nil, validation("Target group '%s' is in VPC '%s', not the load balancer's VPC '%s'", tg.arn, tg.vpc, lb.vpc)
			}
			if tg.lb != nil && tg.lb != lb {
				return nil, clientErr("TargetGroupAssociationLimit", "The following target groups cannot be associated with more than one load balancer: %s", tg.arn)
			}
			tgs = append(tgs, tg)
		case "fixed-response":
			fr := a.FixedResponseConfig
			if fr == nil {
				return nil, validation("A fixed-response action requires FixedResponseConfig")
			}
			n, err := strconv.Atoi(fr.StatusCode)
			if err != nil || n < 200 || n > 599 {
				return nil, validation("Fixed-response status code '%s' must be 2XX, 4XX or 5XX", fr.StatusCode)
			}
		default:
			return nil, validation("Action type '%s' is not supported by this simulation; use 'forward' or 'fixed-response'", a.Type)
		}
	}
	if len(acts) > 1 {
		return nil, validation("Only one forward or fixed-response action is supported per listener or rule here")
	}
	return tgs, nil
}

// CreateListener adds an HTTP listener on a port of a load balancer
// (DuplicateListener if the port is taken).
func (c *Client) CreateListener(ctx context.Context, in *CreateListenerInput) (*CreateListenerOutput, error) {
	if in == nil {
		in = &CreateListenerInput{}
	}
	var out *CreateListenerOutput
	err := c.call(ctx, "CreateListener", in.LoadBalancerArn, func(account string) error {
		s := c.svc
		lb, err := s.getLB(account, c.region, in.LoadBalancerArn)
		if err != nil {
			return err
		}
		switch in.Protocol {
		case "HTTP":
		case "HTTPS":
			return validation("HTTPS listeners need certificates, which are not simulated; use 'HTTP'")
		default:
			return validation("Protocol '%s' must be 'HTTP' or 'HTTPS' for an Application Load Balancer", in.Protocol)
		}
		if in.Port == nil || *in.Port < 1 || *in.Port > 65535 {
			return validation("A listener port between 1 and 65535 must be specified")
		}
		if _, dup := lb.listeners[*in.Port]; dup {
			return clientErr("DuplicateListener", "A listener already exists on this port for this load balancer '%s'", lb.arn)
		}
		tgs, err := c.checkActions(account, lb, in.DefaultActions)
		if err != nil {
			return err
		}
		l := &listener{lb: lb, port: *in.Port, protocol: in.Protocol, def: slices.Clone(in.DefaultActions)}
		l.arn = arn(c.region, account, "listener/app/"+lb.name+"/"+lb.id+"/"+s.newHex())
		lb.listeners[l.port] = l
		s.listeners[l.arn] = l
		for _, tg := range tgs {
			tg.attach(lb)
		}
		out = &CreateListenerOutput{Listeners: []Listener{l.describe()}}
		return nil
	})
	return out, err
}

func (l *listener) describe() Listener {
	return Listener{ListenerArn: l.arn, LoadBalancerArn: l.lb.arn, Port: l.port, Protocol: l.protocol, DefaultActions: slices.Clone(l.def)}
}

// CreateRuleInput is CreateRule's request.
type CreateRuleInput struct {
	ListenerArn string
	Priority    *int32
	Conditions  []RuleCondition
	Actions     []Action
}

// CreateRuleOutput is CreateRule's response.
type CreateRuleOutput struct{ Rules []Rule }

// CreateRule adds a path-based rule to a listener: priorities 1-50000,
// unique per listener (PriorityInUse), lowest evaluated first.
func (c *Client) CreateRule(ctx context.Context, in *CreateRuleInput) (*CreateRuleOutput, error) {
	if in == nil {
		in = &CreateRuleInput{}
	}
	var out *CreateRuleOutput
	err := c.call(ctx, "CreateRule", in.ListenerArn, func(account string) error {
		s := c.svc
		l := s.listeners[in.ListenerArn]
		if l == nil || l.lb.account != account || l.lb.region != c.region {
			return clientErr("ListenerNotFound", "Listener '%s' not found", in.ListenerArn)
		}
		if in.Priority == nil || *in.Priority < 1 || *in.Priority > 50000 {
			return validation("A rule priority between 1 and 50000 must be specified")
		}
		for _, r := range l.rules {
			if r.priority == *in.Priority {
				return clientErr("PriorityInUse", "Priority '%d' is currently in use", *in.Priority)
			}
		}
		var pats []string
		for _, cond := range in.Conditions {
			if cond.Field != "path-pattern" {
				return validation("Condition field '%s' is not supported by this simulation; use 'path-pattern'", cond.Field)
			}
			vs := cond.Values
			if cond.PathPatternConfig != nil {
				vs = append(slices.Clone(vs), cond.PathPatternConfig.Values...)
			}
			for _, v := range vs {
				if v == "" || len(v) > 128 {
					return validation("A path pattern must be 1 to 128 characters long")
				}
			}
			pats = append(pats, vs...)
		}
		if len(pats) == 0 {
			return validation("A rule must have at least one path-pattern condition value")
		}
		if len(pats) > 5 {
			return validation("A rule can have at most 5 condition values")
		}
		tgs, err := c.checkActions(account, l.lb, in.Actions)
		if err != nil {
			return err
		}
		r := &rule{l: l, priority: *in.Priority, patterns: pats, actions: slices.Clone(in.Actions)}
		r.arn = arn(c.region, account, "listener-rule/app/"+l.lb.name+"/"+l.lb.id+"/"+l.arn[len(l.arn)-16:]+"/"+s.newHex())
		l.rules = append(l.rules, r)
		slices.SortFunc(l.rules, func(a, b *rule) int { return int(a.priority - b.priority) })
		s.rules[r.arn] = r
		for _, tg := range tgs {
			tg.attach(l.lb)
		}
		out = &CreateRuleOutput{Rules: []Rule{r.describe()}}
		return nil
	})
	return out, err
}

func (r *rule) describe() Rule {
	return Rule{RuleArn: r.arn, Priority: strconv.Itoa(int(r.priority)),
		Conditions: []RuleCondition{{Field: "path-pattern", Values: slices.Clone(r.patterns)}}, Actions: slices.Clone(r.actions)}
}

// DescribeListenersInput is DescribeListeners' request.
type DescribeListenersInput struct{ LoadBalancerArn string }

// DescribeListenersOutput is DescribeListeners' response.
type DescribeListenersOutput struct{ Listeners []Listener }

// DescribeListeners lists a load balancer's listeners by port.
func (c *Client) DescribeListeners(ctx context.Context, in *DescribeListenersInput) (*DescribeListenersOutput, error) {
	if in == nil {
		in = &DescribeListenersInput{}
	}
	out := &DescribeListenersOutput{}
	err := c.call(ctx, "DescribeListeners", in.LoadBalancerArn, func(account string) error {
		lb, err := c.svc.getLB(account, c.region, in.LoadBalancerArn)
		if err != nil {
			return err
		}
		var ports []int32
		for p := range lb.listeners {
			ports = append(ports, p)
		}
		slices.Sort(ports)
		for _, p := range ports {
			out.Listeners = append(out.Listeners, lb.listeners[p].describe())
		}
		return nil
	})
	return out, err
}
