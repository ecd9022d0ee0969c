package ec2

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

func (f *fixture) stopAndWait(p *sim.Proc, m *Machine) {
	f.t.Helper()
	_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
	require.NoError(f.t, err)
	for m.State() != InstanceStateStopped {
		require.NoError(f.t, p.Sleep(5*time.Second))
	}
}

// The instance type changes only while stopped; a running instance's
// type change gets IncorrectInstanceState and nothing changes.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_ChangingAttributesWhileInstanceStopped.html
func TestModifyInstanceTypeOnlyWhenStopped(t *testing.T) {
	f := newFixture(t, 150, Options{})
	f.do(2*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		_, err := f.c.ModifyInstanceAttribute(p, &ModifyInstanceAttributeInput{InstanceId: m.ID(), InstanceType: &AttributeValue{Value: "m5.xlarge"}})
		wantCode(t, err, "IncorrectInstanceState")
		require.Equal(t, InstanceType("m5.large"), m.Type().InstanceType)
		f.stopAndWait(p, m)
		_, err = f.c.ModifyInstanceAttribute(p, &ModifyInstanceAttributeInput{InstanceId: m.ID(), InstanceType: &AttributeValue{Value: "m5.huge"}})
		wantCode(t, err, "InvalidParameterValue")
		_, err = f.c.ModifyInstanceAttribute(p, &ModifyInstanceAttributeInput{InstanceId: m.ID(), InstanceType: &AttributeValue{Value: "m7g.large"}})
		wantCode(t, err, "InvalidParameterValue") // arm64 type, x86_64 AMI
		_, err = f.c.ModifyInstanceAttribute(p, &ModifyInstanceAttributeInput{InstanceId: m.ID(),
			InstanceType: &AttributeValue{Value: "m5.xlarge"}, DisableApiTermination: &AttributeBooleanValue{Value: true}})
		wantCode(t, err, "InvalidParameterCombination")
		require.Equal(t, InstanceType("m5.large"), m.Type().InstanceType)
		_, err = f.c.ModifyInstanceAttribute(p, &ModifyInstanceAttributeInput{InstanceId: m.ID(), InstanceType: &AttributeValue{Value: "m5.xlarge"}})
		require.NoError(t, err)
		got, err := f.c.DescribeInstanceAttribute(p, &DescribeInstanceAttributeInput{InstanceId: m.ID(), Attribute: AttributeInstanceType})
		require.NoError(t, err)
		require.Equal(t, "m5.xlarge", got.InstanceType.Value)
		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{m.ID()}})
		require.NoError(t, err)
		f.waitRunning(p, m)
		require.Equal(t, 4, m.Type().VCPUs)
		_, err = f.c.DescribeInstanceAttribute(p, &DescribeInstanceAttributeInput{InstanceId: m.ID(), Attribute: "kernel-of-truth"})
		wantCode(t, err, "InvalidParameterValue")
	})
}

// DisableApiTermination: TerminateInstances fails with
// OperationNotPermitted until the attribute is cleared.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_ChangingDisableAPITermination.html
func TestTerminationProtection(t *testing.T) {
	f := newFixture(t, 151, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", DisableApiTermination: true})
		_, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{m.ID()}})
		wantCode(t, err, "OperationNotPermitted")
		require.Equal(t, InstanceStateRunning, m.State())
		got, err := f.c.DescribeInstanceAttribute(p, &DescribeInstanceAttributeInput{InstanceId: m.ID(), Attribute: AttributeDisableApiTermination})
		require.NoError(t, err)
		require.True(t, got.DisableApiTermination.Value)
		_, err = f.c.ModifyInstanceAttribute(p, &ModifyInstanceAttributeInput{InstanceId: m.ID(), DisableApiTermination: &AttributeBooleanValue{Value: false}})
		require.NoError(t, err)
		_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{m.ID()}})
		require.NoError(t, err)
	})
}

// User data: base64 at launch, at most 16 KB, changeable only while
// stopped; DescribeInstanceAttribute returns it base64-encoded.
func TestUserDataAttribute(t *testing.T) {
	f := newFixture(t, 152, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		_, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1, UserData: "not base64!"})
		wantCode(t, err, "InvalidParameterValue")
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", UserData: base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\necho hi"))})
		got, err := f.c.DescribeInstanceAttribute(p, &DescribeInstanceAttributeInput{InstanceId: m.ID(), Attribute: AttributeUserData})
		require.NoError(t, err)
		require.Equal(t, base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\necho hi")), got.UserData.Value)
		_, err = f.c.ModifyInstanceAttribute(p, &ModifyInstanceAttributeInput{InstanceId: m.ID(), UserData: &BlobAttributeValue{Value: []byte("x")}})
		wantCode(t, err, "IncorrectInstanceState")
		f.stopAndWait(p, m)
		_, err = f.c.ModifyInstanceAttribute(p, &ModifyInstanceAttributeInput{InstanceId: m.ID(), UserData: &BlobAttributeValue{Value: make([]byte, MaxUserDataBytes+1)}})
		wantCode(t, err, "InvalidParameterValue")
		_, err = f.c.ModifyInstanceAttribute(p, &ModifyInstanceAttributeInput{InstanceId: m.ID(), UserData: &BlobAttributeValue{Value: []byte("x")}})
		require.NoError(t, err)
	})
}

// DeleteOnTermination of an attached volume changes; an unknown device is
// refused and nothing changes.
func TestModifyDeleteOnTermination(t *testing.T) {
	f := newFixture(t, 153, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		root := m.describe().BlockDeviceMappings[0]
		require.True(t, root.DeleteOnTermination)
		no := false
		_, err := f.c.ModifyInstanceAttribute(p, &ModifyInstanceAttributeInput{InstanceId: m.ID(), BlockDeviceMappings: []InstanceBlockDeviceMappingSpecification{
			{DeviceName: root.DeviceName, Ebs: &EbsInstanceBlockDeviceSpecification{DeleteOnTermination: &no}},
			{DeviceName: "/dev/sdz", Ebs: &EbsInstanceBlockDeviceSpecification{DeleteOnTermination: &no}}}})
		wantCode(t, err, "InvalidInstanceAttributeValue")
		require.True(t, m.describe().BlockDeviceMappings[0].DeleteOnTermination)
		_, err = f.c.ModifyInstanceAttribute(p, &ModifyInstanceAttributeInput{InstanceId: m.ID(), BlockDeviceMappings: []InstanceBlockDeviceMappingSpecification{
			{DeviceName: root.DeviceName, Ebs: &EbsInstanceBlockDeviceSpecification{DeleteOnTermination: &no}}}})
		require.NoError(t, err)
		got, err := f.c.DescribeInstanceAttribute(p, &DescribeInstanceAttributeInput{InstanceId: m.ID(), Attribute: AttributeBlockDeviceMapping})
		require.NoError(t, err)
		require.False(t, got.BlockDeviceMappings[0].DeleteOnTermination)
	})
}

// Hibernation needs HibernationOptions.Configured at launch with a
// supported type and an encrypted root volume large enough for the RAM.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/hibernating-prerequisites.html
func TestHibernationPrerequisites(t *testing.T) {
	f := newFixture(t, 154, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		hib := &HibernationOptionsRequest{Configured: true}
		run := func(ty InstanceType, enc bool, size int32) error {
			in := &RunInstancesInput{ImageId: f.ami(), InstanceType: ty, MinCount: 1, MaxCount: 1, HibernationOptions: hib,
				BlockDeviceMappings: []BlockDeviceMapping{{DeviceName: "/dev/xvda", Ebs: &EbsBlockDevice{VolumeSize: size, Encrypted: enc}}}}
			_, err := f.c.RunInstances(p, in)
			return err
		}
		wantCode(t, run("m5.large", false, 30), "InvalidParameterCombination")
		wantCode(t, run("m5.large", true, 10), "InvalidParameterValue") // 8 GiB AMI + 8 GiB RAM
		wantCode(t, run("m5.24xlarge", true, 500), "UnsupportedHibernationConfiguration")
		wantCode(t, run("p3.2xlarge", true, 100), "UnsupportedHibernationConfiguration")
		require.NoError(t, run("m5.large", true, 16))
	})
}

// A hibernating stop is billed until stopped, lasts as long as dumping the
// RAM to the root volume, and the start knows the memory was kept. An
// instance launched without hibernation cannot hibernate.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Hibernate.html
func TestHibernateStop(t *testing.T) {
	f := newFixture(t, 155, Options{})
	var id string
	var stopping, stopped sim.Time
	f.do(3*time.Hour, func(p *sim.Proc) {
		plain := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		_, err := f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{plain.ID()}, Hibernate: true})
		wantCode(t, err, "UnsupportedHibernationConfiguration")
		require.Equal(t, InstanceStateRunning, plain.State())

		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", HibernationOptions: &HibernationOptionsRequest{Configured: true},
			BlockDeviceMappings: []BlockDeviceMapping{{DeviceName: "/dev/xvda", Ebs: &EbsBlockDevice{VolumeSize: 20, Encrypted: true}}}})
		id = m.ID()
		f.svc.Subscribe(func(e StateChangeEvent) {
			if e.InstanceID == id && e.Current == InstanceStateStopping {
				stopping = e.At
				require.Equal(t, "Client.UserInitiatedHibernate", e.Reason.Code)
			}
			if e.InstanceID == id && e.Current == InstanceStateStopped {
				stopped = e.At
			}
		})
		require.NoError(t, p.Sleep(time.Hour))
		_, err = f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{id}, Hibernate: true})
		require.NoError(t, err)
		for m.State() != InstanceStateStopped {
			require.NoError(t, p.Sleep(time.Second))
		}
		require.True(t, m.Hibernated())
		// 8 GiB at gp3's 125 MiB/s: at least 65.5 s of dumping.
		require.GreaterOrEqual(t, stopped.Sub(stopping), 8192*time.Second/125)
	})
	billed := f.billedSeconds(testAccount, id)
	run := int64((stopped - f.env.FromTime(f.lines(testAccount, id, "BoxUsage")[0].Start)) / sim.Time(time.Second))
	require.InDelta(t, run, billed, 1, "billed through the stopping phase")
}
