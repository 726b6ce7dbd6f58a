using System.Reflection;
using Diffusion.Contracts;

namespace Diffusion.Core.Tests.Plugins;

/// <summary>
/// ContractsVersion is what the host compares a plugin's manifest with; the assembly version comes from
/// DiffusionVersion in Directory.Build.props, and plugin.json is written from the referenced assembly. Were the two to
/// drift, every plugin built from the packages would be refused (or a wrong one accepted).
/// </summary>
public sealed class ContractsVersionTests
{
    [Fact]
    public void The_constant_equals_the_contracts_assembly_version_major_minor()
    {
        var assembly = typeof(ContractsVersion).Assembly.GetName().Version!;

        ContractsVersion.Current.Should().Be(new Version(assembly.Major, assembly.Minor),
            "ContractsVersion.cs and <DiffusionVersion> in Directory.Build.props must name the same major.minor");
    }

    [Fact]
    public void The_informational_version_starts_with_the_same_major_minor()
    {
        var informational = typeof(ContractsVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        informational.Should().StartWith($"{ContractsVersion.Major}.{ContractsVersion.Minor}.");
    }
}
