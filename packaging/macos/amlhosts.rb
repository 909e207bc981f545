# Homebrew formula for amlhosts. From a tap or a local file:
#   brew install --build-from-source ./packaging/macos/amlhosts.rb   # a release
#   brew install --HEAD ./packaging/macos/amlhosts.rb                # the git tree
# The url and sha256 are those of the release's 'make dist' tarball: set
# them when a release is published (shasum -a 256 amlhosts-VERSION.tar.gz).
class Amlhosts < Formula
  desc "Keep Azure Machine Learning private-endpoint names in /etc/hosts"
  homepage "https://github.com/amlhosts/amlhosts"
  url "https://github.com/amlhosts/amlhosts/releases/download/v0.1.0/amlhosts-0.1.0.tar.gz"
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"
  license "MIT"

  head do
    url "https://github.com/amlhosts/amlhosts.git", branch: "main"
    depends_on "autoconf" => :build
    depends_on "automake" => :build
  end

  # configure requires CUnit for the test programs of 'make check'.
  depends_on "cunit" => :build
  depends_on "pkgconf" => :build
  # The system libcurl has no pkg-config file; Homebrew's has.
  depends_on "curl"
  depends_on "inih"
  depends_on "jansson"
  depends_on "openssl@3"

  def install
    # A release tarball has its configure script; a HEAD checkout does not.
    system "autoreconf", "--force", "--install", "--verbose" if build.head?
    # The configuration and the state live outside the keg, so they survive
    # upgrades: #{etc}/amlhosts.conf and #{var}/lib/amlhosts. The hosts file
    # is /etc/hosts, a link to /private/etc/hosts: the target is replaced
    # and the link stays.
    system "./configure", *std_configure_args,
                          "--sysconfdir=#{etc}",
                          "--localstatedir=#{var}"
    system "make"
    system "make", "install"
    pkgshare.install "packaging/amlhosts.conf"
    pkgshare.install "examples/workspace-nic.json"
    pkgshare.install "packaging/macos/com.github.amlhosts.refresh.plist"
  end

  def caveats
    <<~EOS
      amlhosts runs as root (it rewrites /etc/hosts), and as root it reads
      only a configuration file owned by root that others cannot write.
      Start from the example, then add a [workspace NAME] section:
        sudo install -m 0600 -o root -g wheel #{opt_pkgshare}/amlhosts.conf #{etc}/amlhosts.conf
        sudo amlhosts plan
        sudo amlhosts apply
      To refresh the names every 15 minutes (launchd, as root):
        sudo brew services start amlhosts
      With flush_dns = yes, a change flushes the DNS cache (dscacheutil
      -flushcache and killall -HUP mDNSResponder). To take every block out
      of /etc/hosts before uninstalling:
        sudo amlhosts uninstall --purge
    EOS
  end

  service do
    run [opt_bin/"amlhosts", "apply", "--quiet", "--syslog"]
    run_type :interval
    interval 900
    require_root true
    log_path var/"log/amlhosts.log"
    error_log_path var/"log/amlhosts.log"
  end

  test do
    assert_match "amlhosts #{version}", shell_output("#{bin}/amlhosts --version")

    # The macOS layout: a hosts file reached through a directory link, as
    # /etc -> private/etc. The link stays; its target gets the block.
    (testpath/"private/etc").mkpath
    (testpath/"private/etc/hosts").write "127.0.0.1\tlocalhost\n::1\tlocalhost\n"
    ln_s "private/etc", testpath/"etc"
    args = ["-c", "/dev/null", "-H", testpath/"etc/hosts", "--state-dir", testpath/"state"]
    system bin/"amlhosts", *args, "apply", "--name", "myws",
           "--from-json", pkgshare/"workspace-nic.json"
    assert_predicate testpath/"etc", :symlink?
    hosts = (testpath/"private/etc/hosts").read
    assert_match "# BEGIN amlhosts myws", hosts
    assert_match(/^10\.1\.0\.5\t\S+\.workspace\.eastus\.api\.azureml\.ms$/, hosts)

    system bin/"amlhosts", *args, "uninstall"
    assert_equal "127.0.0.1\tlocalhost\n::1\tlocalhost\n", (testpath/"private/etc/hosts").read
  end
end
