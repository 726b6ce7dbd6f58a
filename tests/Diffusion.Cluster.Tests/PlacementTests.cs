using System.Net;
using Diffusion.Cluster.Grains;
using Diffusion.Cluster.Placement;
using Diffusion.Cluster.Workers;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;

namespace Diffusion.Cluster.Tests;

/// <summary>The placement director: capability first, then load, with a bonus for a silo that has the run's models.</summary>
public sealed class PlacementTests
{
    private static readonly SiloAddress[] Silos = [Silo(1), Silo(2), Silo(3)];

    [Fact]
    public async Task Among_idle_silos_the_one_with_the_runs_model_loaded_wins()
    {
        var view = View(Status(Silos[0]), Status(Silos[1], models: ["k-other", "k1"]), Status(Silos[2]));
        for (var i = 0; i < 20; i++)
        {
            var fresh = View(Status(Silos[0]), Status(Silos[1], models: ["k-other", "k1"]), Status(Silos[2]));
            (await Place(fresh, models: "k0,k1")).Should().Be(Silos[1]);
        }

        (await Place(view, models: "k9")).Should().NotBeNull();
    }

    [Fact]
    public async Task A_busy_silo_with_the_model_loses_to_an_idle_one_without()
    {
        var view = View(Status(Silos[0], running: 1, waiting: 1, models: ["k1"]), Status(Silos[1], running: 1), Status(Silos[2]));
        (await Place(view, models: "k1")).Should().Be(Silos[2], "load 2 minus a bonus of 1 is still more than an idle silo's 0");
    }

    [Fact]
    public async Task A_burst_between_two_reports_spreads_evenly()
    {
        var view = View(Status(Silos[0]), Status(Silos[1]), Status(Silos[2]));
        var counts = new Dictionary<SiloAddress, int>();
        for (var i = 0; i < 30; i++)
        {
            var silo = await Place(view);
            counts[silo] = counts.GetValueOrDefault(silo) + 1;
        }

        counts.Values.Should().Equal(10, 10, 10);
    }

    [Fact]
    public async Task A_run_that_needs_a_device_goes_to_a_silo_that_has_it()
    {
        var view = View(Status(Silos[0], device: "cpu"), Status(Silos[1], device: "cuda:0", running: 3), Status(Silos[2], device: "cpu"));
        (await Place(view, device: "cuda")).Should().Be(Silos[1]);
    }

    private static Task<SiloAddress> Place(ClusterView view, string? models = null, string? device = null)
    {
        var data = new Dictionary<string, object>();
        if (models is not null)
        {
            data[PlacementHints.ModelKeys] = models;
        }

        if (device is not null)
        {
            data[PlacementHints.Device] = device;
        }

        var director = new ModelAffinityPlacementDirector(view, Options.Create(new ClusterSettings()));
        var target = new PlacementTarget(GrainId.Create("run", Guid.NewGuid().ToString("N")), data, default, 0);
        return director.OnAddActivation(ModelAffinityPlacement.Instance, target, new Context());
    }

    private static ClusterView View(params WorkerStatus[] statuses)
    {
        var view = new ClusterView();
        view.Update(statuses);
        return view;
    }

    private static WorkerStatus Status(SiloAddress silo, string device = "cpu", int running = 0, int waiting = 0, string[]? models = null) =>
        new(silo.ToString(), device, 1, running, waiting, models ?? [], DateTimeOffset.UtcNow, 0);

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), n);

    private sealed class Context : IPlacementContext
    {
        public SiloAddress LocalSilo => Silos[0];

        public SiloStatus LocalSiloStatus => SiloStatus.Active;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => Silos;

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) =>
            new Dictionary<ushort, SiloAddress[]> { [0] = Silos };
    }
}
