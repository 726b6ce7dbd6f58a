using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Analytic;
using Diffusion.Plugins.ScoreSde;
using Microsoft.Extensions.DependencyInjection;

namespace Diffusion.Plugins.Tests.ScoreSde;

public sealed class PluginRegistrationTests
{
    [Fact]
    public void Score_sde_and_analytic_plugins_register_their_nodes_and_the_diffusers_mapping()
    {
        var registrar = new Registrar();
        new ScoreSdePlugin().Register(registrar);
        new AnalyticPlugin().Register(registrar);

        registrar.Nodes.Select(n => n.Descriptor.Name).Should().BeEquivalentTo(
            "scheduler.ve", "scheduler.vp", "scheduler.subvp", "sampler.pc", "sampler.probability_flow", "denoiser.gaussian_mixture", "dataset.gaussian_mixture");
        registrar.Services.Should().Contain(d => d.ServiceType == typeof(IDiffusersSchedulerMapping) && d.ImplementationType == typeof(ScoreSdeVeDiffusersMapping));
        var denoiser = registrar.Nodes.Single(n => n.Descriptor.Name == "denoiser.gaussian_mixture").Descriptor;
        denoiser.Inputs.Should().ContainSingle(p => p.Name == "scheduler" && p.Type == PortType.Scheduler);
        denoiser.Outputs.Should().ContainSingle(p => p.Name == "denoiser" && p.Type == PortType.Denoiser);
    }

    [Fact]
    public void Node_validation_reports_cross_field_problems_with_pointers()
    {
        var registrar = new Registrar();
        new ScoreSdePlugin().Register(registrar);
        new AnalyticPlugin().Register(registrar);
        var ve = registrar.Nodes.Single(n => n.Descriptor.Name == "scheduler.ve");
        var issues = ve.Validate(new NodeValidationContext("sched", new JsonObject { ["sigma_min"] = 5.0, ["sigma_max"] = 1.0 }, "."));
        issues.Should().ContainSingle(i => i.Pointer == "/nodes/sched/params/sigma_max");

        var mixture = registrar.Nodes.Single(n => n.Descriptor.Name == "denoiser.gaussian_mixture");
        mixture.Validate(new NodeValidationContext("gm", new JsonObject { ["preset"] = "eight_gaussians", ["std"] = 0.05 }, ".")).Should().BeEmpty();
        mixture.Validate(new NodeValidationContext("gm", new JsonObject(), ".")).Should().ContainSingle(i => i.Pointer == "/nodes/gm/params/means");
    }

    [Fact]
    public void Diffusers_mapping_rejects_unknown_fields_by_name()
    {
        var act = () => new ScoreSdeVeDiffusersMapping().Map("ScoreSdeVeScheduler", new JsonObject { ["beta_schedule"] = "linear" });
        act.Should().Throw<NotSupportedException>().WithMessage("*beta_schedule*");
    }

    private sealed class Registrar : IPluginRegistrar
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public List<INodeType> Nodes { get; } = [];

        public void AddNodeType(INodeType nodeType) => Nodes.Add(nodeType);
    }
}
