extension ScaffoldTemplates {
    /// `channel-configs/{{id}}.yaml` of a generated package.
    static let channelConfigsYaml = ScaffoldFile(
        "channel-configs/{{id}}.yaml",
        #"""
# The {{Display}} channel, in the gateway's channel config format (channel-configs/README.md in the gateway).
# Copy it into the gateway's --config-dir once the plugin is installed; the gateway starts the channel within
# a second, without a restart. PARTNER: your endpoint, merchant number and credential source.
id: {{id}}
plugin: {{id}}                  # the plugin id in {{Module}}Plugin's manifest
online: true
endpoint: http://127.0.0.1:9300    # the bank's API base URL (here: {{id}}-sim --port 9300)
currencies: [CNY]
max_amount: 5000000                # minor units (50,000.00 CNY)
timeouts: {connect_ms: 2000, request_ms: 5000, download_ms: 60000}
settings:
  merchant_no: {{MerchantNo}}            # our merchant number at the bank
credentials:
  secret: {env: {{ENV}}_SECRET}  # the signing key, from the gateway's environment; never written here
"""#)
}
