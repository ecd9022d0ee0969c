package iam

// The request context: condition keys looked up without allocating.

import (
	"strconv"
	"strings"
	"time"
)

// builtinKey names a condition key whose value the evaluator derives itself
// ("AWS global condition context keys"). Resolved once when a policy is
// compiled, so evaluation does not compare key names.
type builtinKey uint8

const (
	bNone builtinKey = iota
	bUsername
	bUserID
	bPrincipalArn
	bPrincipalAccount
	bPrincipalType
	bPrincipalTag
	bPrincipalIsAWSService
	bPrincipalServiceName
	bResourceAccount
	bCurrentTime
	bEpochTime
	bTokenIssueTime
	bPrincipalOrgID
	bSourceIdentity
	bSourceAccount
	bSourceArn
	bRequestedRegion
	bPrincipalOrgPaths
	bResourceOrgID
	bResourceOrgPaths
	bSourceOrgID
)

var builtinNames = map[string]builtinKey{
	"aws:username":              bUsername,
	"aws:userid":                bUserID,
	"aws:principalarn":          bPrincipalArn,
	"aws:principalaccount":      bPrincipalAccount,
	"aws:principaltype":         bPrincipalType,
	"aws:principalisawsservice": bPrincipalIsAWSService,
	"aws:principalservicename":  bPrincipalServiceName,
	"aws:resourceaccount":       bResourceAccount,
	"aws:currenttime":           bCurrentTime,
	"aws:epochtime":             bEpochTime,
	"aws:tokenissuetime":        bTokenIssueTime,
	"aws:principalorgid":        bPrincipalOrgID,
	"aws:sourceidentity":        bSourceIdentity,
	"aws:sourceaccount":         bSourceAccount,
	"aws:sourcearn":             bSourceArn,
	"aws:requestedregion":       bRequestedRegion,
	"aws:principalorgpaths":     bPrincipalOrgPaths,
	"aws:resourceorgid":         bResourceOrgID,
	"aws:resourceorgpaths":      bResourceOrgPaths,
	"aws:sourceorgid":           bSourceOrgID,
}

const principalTagPrefix = "aws:principaltag/"

// builtinOf classifies a condition key (case-insensitively, as IAM treats
// key names).
func builtinOf(key string) builtinKey {
	low := strings.ToLower(key)
	if b, ok := builtinNames[low]; ok {
		return b
	}
	if strings.HasPrefix(low, principalTagPrefix) && len(low) > len(principalTagPrefix) {
		return bPrincipalTag
	}
	return bNone
}

// ctxVals is the value list of one key: n values, either one string, a
// slice, or an instant (aws:CurrentTime) that Date operators compare
// without formatting.
type ctxVals struct {
	n      int
	one    string
	many   []string
	t      time.Time
	isTime bool
	epoch  bool // format t as epoch seconds when a string is needed
}

func (v ctxVals) at(i int) string {
	switch {
	case v.isTime && v.epoch:
		return strconv.FormatInt(v.t.Unix(), 10)
	case v.isTime:
		return v.t.UTC().Format(time.RFC3339)
	case v.many != nil:
		return v.many[i]
	}
	return v.one
}

func single(s string) ctxVals {
	if s == "" {
		return ctxVals{}
	}
	return ctxVals{n: 1, one: s}
}

// evalCtx is the request being evaluated; it resolves condition keys and
// policy variables.
type evalCtx struct {
	req *Request
	p   *Principal
}

func (ec *evalCtx) lookup(key string, b builtinKey) ctxVals {
	p := ec.p
	switch b {
	case bNone:
		return ec.fromContext(key)
	case bUsername:
		if p != nil && p.Type == PrincipalUser {
			return single(p.UserName)
		}
		return ctxVals{}
	case bUserID:
		if p != nil {
			return single(p.UserID)
		}
	case bPrincipalArn:
		if p != nil {
			return single(p.principalARN())
		}
	case bPrincipalAccount:
		if p != nil {
			return single(p.AccountID)
		}
	case bPrincipalType:
		if p != nil {
			return single(string(p.Type))
		}
	case bPrincipalTag:
		if p != nil && p.Tags != nil {
			tk := key[len(principalTagPrefix):]
			if v, ok := p.Tags[tk]; ok {
				return ctxVals{n: 1, one: v}
			}
			// Case-insensitive fallback; the smallest matching key wins so
			// the answer never depends on map order.
			best, found := "", false
			var bv string
			for k, v := range p.Tags {
				if strings.EqualFold(k, tk) && (!found || k < best) {
					best, bv, found = k, v, true
				}
			}
			if found {
				return ctxVals{n: 1, one: bv}
			}
		}
		return ctxVals{}
	case bPrincipalIsAWSService:
		if p != nil && p.Type == PrincipalService {
			return single("true")
		}
		return single("false")
	case bPrincipalServiceName:
		if p != nil && p.Type == PrincipalService {
			return single(p.ServiceName)
		}
		return ctxVals{}
	case bResourceAccount:
		return single(ec.req.resourceAccount())
	case bCurrentTime, bEpochTime:
		t := ec.req.currentTime()
		if t.IsZero() {
			return ec.fromContext(key)
		}
		return ctxVals{n: 1, t: t, isTime: true, epoch: b == bEpochTime}
	case bPrincipalOrgID:
		if p != nil {
			return single(p.orgID())
		}
		return ctxVals{}
	case bSourceIdentity:
		if p != nil {
			return single(p.SourceIdentity)
		}
		return ctxVals{}
	case bSourceAccount, bSourceArn:
		// "AWS global condition context keys": aws:SourceAccount and
		// aws:SourceArn are present only in service-to-service requests,
		// naming the resource on whose behalf the service acts
		// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn).
		// A service principal built with ServicePrincipalFor supplies
		// them; otherwise a caller may pass them in Request.Context.
		if p != nil && p.Type == PrincipalService && (p.SourceAccount != "" || p.sourceText != "") {
			if b == bSourceAccount {
				return single(p.SourceAccount)
			}
			return single(p.sourceText)
		}
		return ec.fromContext(key)
	case bPrincipalOrgPaths, bResourceOrgID, bResourceOrgPaths, bSourceOrgID:
		// Organizations keys: Service.Authorize knows the tree; the
		// package-level evaluators take them from Request.Context.
		k := &ec.req.orgKeys
		v := k.sourceOrg
		switch b {
		case bPrincipalOrgPaths:
			v = k.principalPath
		case bResourceOrgID:
			v = k.resourceOrg
		case bResourceOrgPaths:
			v = k.resourcePath
		}
		if v != "" {
			return single(v)
		}
		return ec.fromContext(key)
	case bRequestedRegion:
		if ec.req.RequestedRegion != "" {
			return single(ec.req.RequestedRegion)
		}
		return ec.fromContext(key)
	case bTokenIssueTime:
		if p != nil && !p.TokenIssueTime.IsZero() {
			return ctxVals{n: 1, t: p.TokenIssueTime, isTime: true}
		}
		return ctxVals{}
	}
	return ctxVals{}
}

// fromContext looks a key up in Request.Context: exactly first, then
// case-insensitively (condition key names are case-insensitive).
func (ec *evalCtx) fromContext(key string) ctxVals {
	m := ec.req.Context
	if m == nil {
		return ctxVals{}
	}
	v, ok := m[key]
	if !ok {
		// Case-insensitive fallback; the smallest matching key wins so the
		// answer never depends on map order.
		best := ""
		for k, vv := range m {
			if strings.EqualFold(k, key) && (!ok || k < best) {
				best, v, ok = k, vv, true
			}
		}
	}
	if !ok || len(v) == 0 {
		return ctxVals{}
	}
	if len(v) == 1 {
		return ctxVals{n: 1, one: v[0]}
	}
	return ctxVals{n: len(v), many: v}
}

// variable resolves ${key}: a single value, or nothing. Multivalued keys
// cannot be policy variables ("Single-valued vs. multivalued context keys").
func (ec *evalCtx) variable(key string, b builtinKey) (string, bool) {
	if ec == nil {
		return "", false
	}
	v := ec.lookup(key, b)
	if v.n != 1 {
		return "", false
	}
	return v.at(0), true
}
