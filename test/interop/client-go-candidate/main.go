// client-go-candidate runs client-go's own leaderelection on one Lease and prints what happens as
// JSON lines, so the l2bench interop test can make it compete with the bundled announcer for the
// same Lease. It binds no address: it proves the Lease protocol, nothing else.
//
//	client-go-candidate --kubeconfig f --identity id --lease-namespace ns --lease-name n \
//	  --lease-duration-ms 4000 --renew-deadline-ms 2000 --retry-period-ms 500
//
// Lines: {"ts":<epoch ms>,"event":"start|acquire|lose|leader|stop","identity":..,"holder":..}.
// SIGTERM/SIGINT cancel the election with ReleaseOnCancel, as kube-vip does.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

var out sync.Mutex

func emit(event string, fields map[string]any) {
	line := map[string]any{"ts": time.Now().UnixMilli(), "event": event}
	for k, v := range fields {
		line[k] = v
	}
	b, _ := json.Marshal(line)
	out.Lock()
	defer out.Unlock()
	fmt.Println(string(b))
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig file")
	identity := flag.String("identity", "", "holder identity")
	namespace := flag.String("lease-namespace", "kube-system", "Lease namespace")
	name := flag.String("lease-name", "", "Lease name")
	leaseMs := flag.Int("lease-duration-ms", 15000, "LeaseDuration")
	renewMs := flag.Int("renew-deadline-ms", 5000, "RenewDeadline")
	retryMs := flag.Int("retry-period-ms", 2000, "RetryPeriod")
	flag.Parse()
	if *kubeconfig == "" || *identity == "" || *name == "" {
		fmt.Fprintln(os.Stderr, "client-go-candidate: --kubeconfig, --identity and --lease-name are required")
		os.Exit(2)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fmt.Fprintf(os.Stderr, "client-go-candidate: kubeconfig %s: %v\n", *kubeconfig, err)
		os.Exit(2)
	}
	client := kubernetes.NewForConfigOrDie(cfg)
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Name: *name, Namespace: *namespace},
		Client:     client.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: *identity},
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	id := map[string]any{"identity": *identity, "lease": *name}
	emit("start", id)
	elector, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:            lock,
		ReleaseOnCancel: true,
		LeaseDuration:   time.Duration(*leaseMs) * time.Millisecond,
		RenewDeadline:   time.Duration(*renewMs) * time.Millisecond,
		RetryPeriod:     time.Duration(*retryMs) * time.Millisecond,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(context.Context) { emit("acquire", id) },
			OnStoppedLeading: func() { emit("lose", id) },
			OnNewLeader: func(holder string) {
				emit("leader", map[string]any{"identity": *identity, "lease": *name, "holder": holder})
			},
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "client-go-candidate: %v\n", err)
		os.Exit(2)
	}
	// Run returns when ctx is cancelled (after releasing) or when renewing failed; campaign again
	// in the second case, as a restarted controller would.
	for ctx.Err() == nil {
		elector.Run(ctx)
	}
	emit("stop", id)
}
